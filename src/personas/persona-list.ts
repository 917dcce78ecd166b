import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/database.ts';
import { providersWithSourceLabel, sourceLabelOf } from '../integrations/catalog.ts';

/**
 * The Personas list: filters, search, sort and keyset pagination, all company-scoped. Keyset (not
 * offset) paging keeps page 500 as fast as page 1 at a million rows.
 */
export const personaSorts = ['last_visit', 'name', 'lifetime_spend', 'visits', 'points', 'created'] as const;
export type PersonaSort = (typeof personaSorts)[number];

export type PersonaListQuery = {
  search?: string;
  sourcedFrom?: string;
  favoriteStoreId?: string;
  loyalty?: 'enrolled' | 'not_enrolled';
  archived?: boolean;
  sort: PersonaSort;
  direction: 'asc' | 'desc';
  limit: number;
  cursor?: string;
};

export type PersonaListRow = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  favoriteStore: { id: string; name: string } | null;
  points: string;
  lifetimeSpend: string;
  visits: number;
  lastVisitAt: Date | null;
  sourcedFrom: string[];
  loyaltyEnrolled: boolean;
  archived: boolean;
};

type SortColumn = 'last_visit_at' | 'full_name' | 'lifetime_spend' | 'visits' | 'points_balance' | 'created_at';

/**
 * Each sort's column. Each has a btree index on (company_id, column, id) over the live personas
 * (archived_at IS NULL): personas_list_idx, personas_name_sort_idx and those of migration 0011. One
 * index serves both directions, read forward for one and backward for the other, so a page reads its
 * 51 rows instead of sorting all of the company's personas. PostgreSQL
 * uses an index for ORDER BY only when the NULLS placement matches too (backward, NULLS LAST turns
 * into NULLS FIRST). Every column but last_visit_at is NOT NULL, so their ORDER BY keeps the default
 * placement and matches the index either way; last_visit_at is read in two parts (see pageParts).
 */
const sortColumns: Record<PersonaSort, SortColumn> = {
  last_visit: 'last_visit_at',
  name: 'full_name',
  lifetime_spend: 'lifetime_spend',
  visits: 'visits',
  points: 'points_balance',
  created: 'created_at',
};

type Cursor = { value: string | number | null; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.id !== 'string' || !/^[0-9a-f-]{36}$/.test(parsed.id)) return undefined;
    if (parsed.value !== null && typeof parsed.value !== 'string' && typeof parsed.value !== 'number') return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

/** Digits only when the search looks like a phone number (so "555-1234" finds +15551234…). */
function phoneDigits(search: string): string | undefined {
  const digits = search.replace(/[\s().+-]/g, '');
  return /^\d{3,}$/.test(digits) ? digits : undefined;
}

type ListFilters = Omit<PersonaListQuery, 'sort' | 'direction' | 'limit' | 'cursor'>;

/**
 * The list's filters as conditions on `personas p` or on `persona_search s`, which copies every
 * column they read (migration 0014) and says which list a persona is in (`list`).
 */
function filterConditions(table: 'p' | 's', query: ListFilters): RawBuilder<SqlBool>[] {
  const column = (name: string) => sql.ref(`${table}.${name}`);
  const list =
    table === 's'
      ? sql<SqlBool>`s.list = ${query.archived ? 'archived' : 'live'}`
      : query.archived
        ? sql<SqlBool>`p.archived_at IS NOT NULL AND p.merged_into IS NULL`
        : sql<SqlBool>`p.archived_at IS NULL`;
  const conditions = [list];
  if (query.sourcedFrom) {
    const providers = providersWithSourceLabel(query.sourcedFrom);
    conditions.push(sql<SqlBool>`${column('sourced_from')} && ${providers.length > 0 ? providers : [query.sourcedFrom]}::text[]`);
  }
  if (query.favoriteStoreId) conditions.push(sql<SqlBool>`${column('favorite_store_id')} = ${query.favoriteStoreId}`);
  if (query.loyalty) conditions.push(sql<SqlBool>`${column('age_gate_passed')} = ${query.loyalty === 'enrolled'}`);
  return conditions;
}

/**
 * Name or email containing the search, or the phone containing its digits when it looks like a phone
 * number. On persona_search, name and email are one lower-cased search_text with one trigram index
 * (migration 0015), matched with LIKE: the same rows as ILIKE on each, for one index read and no
 * lower-casing per row.
 */
function searchCondition(table: 'p' | 's', search: string): RawBuilder<SqlBool> {
  const pattern = `%${search.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
  const options =
    table === 's'
      ? [sql<SqlBool>`s.search_text LIKE lower(${pattern})`]
      : [sql<SqlBool>`p.full_name ILIKE ${pattern}`, sql<SqlBool>`p.email ILIKE ${pattern}`];
  const digits = phoneDigits(search);
  if (digits) options.push(sql<SqlBool>`${sql.ref(`${table}.phone`)} LIKE ${`%${digits}%`}`);
  return sql<SqlBool>`(${sql.join(options, sql` OR `)})`;
}

/** The company's persona_search rows that match the search and pass the filters. */
function searchMatches(db: Db, companyId: string, search: string, query: ListFilters) {
  let matches = db.selectFrom('persona_search as s').where('s.company_id', '=', companyId).where(searchCondition('s', search));
  for (const condition of filterConditions('s', query)) matches = matches.where(condition);
  return matches;
}

function filtered(db: Db, companyId: string, query: ListFilters) {
  let builder = db.selectFrom('personas as p').where('p.company_id', '=', companyId);
  for (const condition of filterConditions('p', query)) builder = builder.where(condition);
  const search = query.search?.trim();
  if (search) {
    // Said twice on purpose. On the persona row (which still has the columns, without indexes) it
    // lets a page of a common search walk the sort's index and keep the matching rows as it goes;
    // through persona_search's indexes it finds the few matches of a rare search, or of a search in
    // the Archived list. The planner picks by its estimates; the second condition only repeats the first.
    builder = builder.where(searchCondition('p', search)).where('p.id', 'in', searchMatches(db, companyId, search, query).select('s.persona_id'));
  }
  return builder;
}

/**
 * Filtered totals are counted up to this many personas, then shown as "10,000+". An exact count of a
 * broad search reads every matching row (tens of thousands of rows, hundreds of milliseconds at a
 * million personas) while the page itself reads 51; a count that stops at the cap costs at most
 * CAP + 1 rows, and nobody pages through ten thousand results to check the figure. Below the cap the
 * total is exact. (The planner's row estimate was not used: it would present a guess as a count.)
 */
export const PERSONA_TOTAL_CAP = 10_000;

export type PersonaListPage = {
  personas: PersonaListRow[];
  /** Exact, unless totalIsLowerBound: then at least this many (PERSONA_TOTAL_CAP) match. */
  total: number;
  totalIsLowerBound: boolean;
  nextCursor: string | null;
};

/**
 * No filter but the Archived switch: the total is the company's counter (persona_counts, kept by
 * triggers on personas, migration 0010). Names every filter that filtered() applies.
 */
function isUnfiltered(query: ListFilters): boolean {
  return !query.search?.trim() && !query.sourcedFrom && !query.favoriteStoreId && !query.loyalty;
}

async function countPersonas(db: Db, companyId: string, query: ListFilters): Promise<{ total: number; totalIsLowerBound: boolean }> {
  if (isUnfiltered(query)) {
    const counts = await db.selectFrom('persona_counts').select(['live', 'archived']).where('company_id', '=', companyId).executeTakeFirst();
    return { total: (query.archived ? counts?.archived : counts?.live) ?? 0, totalIsLowerBound: false };
  }
  // A search is counted in persona_search alone, which carries every filtered column: joining up to
  // 10,001 matches to their persona rows would cost more than the page itself.
  const search = query.search?.trim();
  const capped = search
    ? searchMatches(db, companyId, search, query).select(sql.lit(1).as('one')).limit(PERSONA_TOTAL_CAP + 1).as('capped')
    : filtered(db, companyId, query).select(sql.lit(1).as('one')).limit(PERSONA_TOTAL_CAP + 1).as('capped');
  const { counted } = await db.selectFrom(capped).select((eb) => eb.fn.countAll<number>().as('counted')).executeTakeFirstOrThrow();
  return counted > PERSONA_TOTAL_CAP ? { total: PERSONA_TOTAL_CAP, totalIsLowerBound: true } : { total: counted, totalIsLowerBound: false };
}

/**
 * A search sorted by name, which PostgreSQL's planner answers badly both ways. Walking the name index
 * until the page's 51st match is fast when matches are spread over the alphabet, but the term of a
 * name search is usually a name, and its matches sit together in name order: "zoe" from A to Z read
 * every persona named before the Zoes (2.4 s at a million personas). Sorting the trigram matches
 * costs in proportion to their number, which a term found in every email makes everyone. So:
 *
 * 1. a probe walks the first NAME_PROBE_ROWS personas in name order (list and cursor only); if the
 *    page's rows are among them, they are the page (a common term);
 * 2. otherwise the matches are sorted, when there are at most NAME_SORTED_MATCHES_CAP of them;
 * 3. otherwise the name index is walked to the end if need be, as before.
 *
 * One statement: two materialized CTEs (name_probe, name_matches; listPersonaPage) and three parts
 * (pageParts), each gated by a count of the step before, so only the step that answers does its work.
 * docs/performance.md, change 28.
 */
export const NAME_PROBE_ROWS = 2_000;
export const NAME_SORTED_MATCHES_CAP = 50_000;

/** Whether the page is a search sorted by name, read through name_probe and name_matches. */
function isNameSortedSearch(query: PersonaListQuery): boolean {
  return query.sort === 'name' && !!query.search?.trim();
}

/** Rows after the cursor in the page's direction, on the sort's value and id columns. */
function afterCursor(valueRef: string, idRef: string, cursor: Cursor, after: '<' | '>'): RawBuilder<SqlBool> {
  if (cursor.value === null) return sql<SqlBool>`${sql.ref(idRef)} ${sql.raw(after)} ${cursor.id}`;
  return sql<SqlBool>`(${sql.ref(valueRef)}, ${sql.ref(idRef)}) ${sql.raw(after)} (${cursor.value}, ${cursor.id})`;
}

/** The page's direction, its cursor, and the comparison that means "after the cursor" that way. */
function pageOrder(query: PersonaListQuery) {
  const descending = query.direction === 'desc';
  return { descending, direction: descending ? 'desc' : 'asc', after: descending ? '<' : '>', cursor: decodeCursor(query.cursor) } as const;
}

/** Step 1: the page's matches among the next NAME_PROBE_ROWS personas of the list in name order. */
function nameProbe(db: Db, companyId: string, query: PersonaListQuery) {
  const { direction, after, cursor } = pageOrder(query);
  // The list condition alone: the other filters inside would make the walk read until it has
  // NAME_PROBE_ROWS rows that pass them.
  let walk = db.selectFrom('personas as p').selectAll('p').where('p.company_id', '=', companyId);
  for (const condition of filterConditions('p', { archived: query.archived })) walk = walk.where(condition);
  if (cursor) walk = walk.where(afterCursor('p.full_name', 'p.id', cursor, after));
  let probe = db.selectFrom(walk.orderBy('p.full_name', direction).orderBy('p.id', direction).limit(NAME_PROBE_ROWS).as('p')).select('p.id').where(searchCondition('p', query.search!.trim()));
  for (const condition of filterConditions('p', query)) probe = probe.where(condition);
  return probe.orderBy('p.full_name', direction).orderBy('p.id', direction).limit(query.limit + 1);
}

/**
 * Step 2's matches: after the cursor, up to one more than the cap, in no order. If they are not more
 * than the cap they are all of them, and the page is their first rows by name. None are read when
 * the probe found the page.
 */
function nameMatches(db: Db, companyId: string, query: PersonaListQuery) {
  const { after, cursor } = pageOrder(query);
  let matches = searchMatches(db, companyId, query.search!.trim(), query)
    .select(['s.persona_id', 's.full_name'])
    .where(sql<SqlBool>`(SELECT count(*) FROM name_probe) <= ${query.limit}`);
  if (cursor) matches = matches.where(afterCursor('s.full_name', 's.persona_id', cursor, after));
  return matches.limit(NAME_SORTED_MATCHES_CAP + 1);
}

/**
 * The filtered personas after the cursor in the sort's order, as the parts of a page of at most
 * limit + 1 rows each, which the sort's index yields in order. The cursor is a row comparison,
 * (value, id) > (…), which the index takes as where to start, so page 500 costs what page 1 does
 * (an OR of the same conditions made it read and discard every row before the cursor).
 *
 * last_visit_at can be NULL (never visited), and those personas go last in both directions.
 * personas_list_idx (last_visit_at DESC NULLS LAST, id DESC) gives that order forward, but backward
 * (oldest first) it puts the NULLs first, and a mirrored index would be one more for the sync to
 * update on every visit. So the visited and the never-visited personas are two parts, each read in
 * the index's order (within one part NULLS FIRST or LAST makes no difference), and listPersonaPage
 * puts them together (a sort of at most 2 × (limit + 1) rows). A cursor among the never-visited leaves
 * only that part.
 */
function pageParts(db: Db, companyId: string, query: PersonaListQuery) {
  const column = sortColumns[query.sort];
  const ref = `p.${column}` as const;
  const { descending, direction, after, cursor } = pageOrder(query);
  // In the index's NULLS placement (see above); for the NOT NULL columns the default one.
  const nullsPlacement = column === 'last_visit_at' ? (descending ? ' NULLS LAST' : ' NULLS FIRST') : '';
  const ordered = (builder: ReturnType<typeof filtered>) =>
    builder
      .select([
        'p.id',
        'p.full_name',
        'p.email',
        'p.phone',
        'p.favorite_store_id',
        'p.points_balance',
        'p.lifetime_spend',
        'p.visits',
        'p.last_visit_at',
        'p.sourced_from',
        'p.age_gate_passed',
        'p.archived_at',
        sql<unknown>`${sql.ref(ref)}`.as('sort_key'),
        // As text: exact, where a JS Date would cut a timestamp's microseconds and skip rows at the cursor.
        sql<string | null>`${sql.ref(ref)}::text`.as('sort_value'),
      ])
      .orderBy(sql`${sql.ref(ref)} ${sql.raw(direction)}${sql.raw(nullsPlacement)}`)
      .orderBy('p.id', direction)
      .limit(query.limit + 1);
  const part = (nulls: 'none' | 'only' | 'any') => {
    let builder = filtered(db, companyId, query);
    if (nulls !== 'any') builder = builder.where(ref, nulls === 'only' ? 'is' : 'is not', null);
    // A cursor among the never-visited (value NULL) is followed by the rest of them in id order; every
    // never-visited persona comes after a visited cursor.
    if (cursor && (cursor.value === null || nulls !== 'only')) builder = builder.where(afterCursor(ref, 'p.id', cursor, after));
    return ordered(builder);
  };
  if (isNameSortedSearch(query)) {
    // The three steps (see NAME_PROBE_ROWS); each part's count is a one-time filter.
    const probed = db
      .selectFrom('personas as p')
      .where('p.company_id', '=', companyId)
      .where(sql<SqlBool>`(SELECT count(*) FROM name_probe) > ${query.limit}`)
      .where(sql<SqlBool>`p.id IN (SELECT id FROM name_probe)`);
    // With the probe's page found, name_matches is empty: no rows sorted, no walk.
    const few = sql<SqlBool>`(SELECT count(*) FROM name_matches) <= ${NAME_SORTED_MATCHES_CAP}`;
    // name_matches applied the filters already (persona_search copies their columns), as name_probe did.
    const sorted = db
      .selectFrom('personas as p')
      .where('p.company_id', '=', companyId)
      .where(few)
      .where(sql<SqlBool>`p.id IN (SELECT persona_id FROM name_matches ORDER BY full_name ${sql.raw(direction)}, persona_id ${sql.raw(direction)} LIMIT ${query.limit + 1})`);
    return [ordered(probed), ordered(sorted), part('any').where(sql<SqlBool>`NOT ${few}`)];
  }
  if (column !== 'last_visit_at') return [part('any')];
  if (cursor?.value === null) return [part('only')];
  // The first page newest first is the index's own order, NULLs last included: one part, so a search
  // on the default sort (the busiest query of the list) is not run twice.
  if (descending && !cursor) return [part('any')];
  return [part('none'), part('only')];
}

/** One page of the list, without its total (the CSV export walks every page and needs none). */
export async function listPersonaPage(db: Db, companyId: string, query: PersonaListQuery): Promise<Omit<PersonaListPage, 'total' | 'totalIsLowerBound'>> {
  const { direction } = pageOrder(query);
  const [first, ...rest] = pageParts(db, companyId, query).map((part, index) => db.selectFrom(part.as(`part${index}`)).selectAll());
  const parts = rest.reduce((union, part) => union.unionAll(part), first!);
  // Materialized: each is counted once and read by the part it gates. The parts name them in SQL
  // fragments, so the query's type need not know them (hence the cast back to Db).
  const from = isNameSortedSearch(query)
    ? (db
        .with((cte) => cte('name_probe').materialized(), () => nameProbe(db, companyId, query))
        .with((cte) => cte('name_matches').materialized(), () => nameMatches(db, companyId, query)) as unknown as Db)
    : db;
  const rows = await from
    .selectFrom(parts.as('page'))
    .leftJoin('retail_stores as rs', 'rs.id', 'page.favorite_store_id')
    .selectAll('page')
    .select('rs.name as favorite_store_name')
    .orderBy(sql`page.sort_key ${sql.raw(direction)} NULLS LAST`)
    .orderBy('page.id', direction)
    .limit(query.limit + 1)
    .execute();
  const hasMore = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    personas: pageRows.map((row) => ({
      id: row.id,
      name: row.full_name,
      email: row.email,
      phone: row.phone,
      favoriteStore: row.favorite_store_id && row.favorite_store_name ? { id: row.favorite_store_id, name: row.favorite_store_name } : null,
      points: row.points_balance,
      lifetimeSpend: row.lifetime_spend,
      visits: row.visits,
      lastVisitAt: row.last_visit_at,
      sourcedFrom: row.sourced_from.map(sourceLabelOf),
      loyaltyEnrolled: row.age_gate_passed,
      archived: row.archived_at !== null,
    })),
    nextCursor: hasMore && last ? encodeCursor({ value: last.sort_value, id: last.id }) : null,
  };
}

export async function listPersonas(db: Db, companyId: string, query: PersonaListQuery): Promise<PersonaListPage> {
  // The page and the total are independent reads: asked at once, on two pooled connections, the
  // list costs the slower of the two instead of their sum.
  const [page, counted] = await Promise.all([listPersonaPage(db, companyId, query), countPersonas(db, companyId, query)]);
  return { personas: page.personas, ...counted, nextCursor: page.nextCursor };
}
