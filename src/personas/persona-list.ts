import { sql, type Expression, type SqlBool } from 'kysely';
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

const sortColumns: Record<PersonaSort, 'last_visit_at' | 'full_name' | 'lifetime_spend' | 'visits' | 'points_balance' | 'created_at'> = {
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

function filtered(db: Db, companyId: string, query: ListFilters) {
  let builder = db.selectFrom('personas as p').where('p.company_id', '=', companyId);
  builder = query.archived ? builder.where('p.archived_at', 'is not', null).where('p.merged_into', 'is', null) : builder.where('p.archived_at', 'is', null);
  if (query.sourcedFrom) {
    const providers = providersWithSourceLabel(query.sourcedFrom);
    builder = builder.where(sql<SqlBool>`p.sourced_from && ${providers.length > 0 ? providers : [query.sourcedFrom]}::text[]`);
  }
  if (query.favoriteStoreId) builder = builder.where('p.favorite_store_id', '=', query.favoriteStoreId);
  if (query.loyalty === 'enrolled') builder = builder.where('p.age_gate_passed', '=', true);
  if (query.loyalty === 'not_enrolled') builder = builder.where('p.age_gate_passed', '=', false);
  const search = query.search?.trim();
  if (search) {
    const digits = phoneDigits(search);
    const pattern = `%${search.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
    builder = builder.where((eb) => {
      const options: Expression<SqlBool>[] = [eb('p.full_name', 'ilike', pattern), eb('p.email', 'ilike', pattern)];
      if (digits) options.push(eb('p.phone', 'like', `%${digits}%`));
      return eb.or(options);
    });
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
  const capped = filtered(db, companyId, query).select(sql.lit(1).as('one')).limit(PERSONA_TOTAL_CAP + 1).as('capped');
  const { counted } = await db.selectFrom(capped).select((eb) => eb.fn.countAll<number>().as('counted')).executeTakeFirstOrThrow();
  return counted > PERSONA_TOTAL_CAP ? { total: PERSONA_TOTAL_CAP, totalIsLowerBound: true } : { total: counted, totalIsLowerBound: false };
}

export async function listPersonas(db: Db, companyId: string, query: PersonaListQuery): Promise<PersonaListPage> {
  const column = sortColumns[query.sort];
  const ref = `p.${column}` as const;
  const descending = query.direction === 'desc';
  let page = filtered(db, companyId, query);
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    // Rows after the cursor in (sort value, id) order; NULLs sort last in both directions.
    page = page.where(({ eb, or, and }) => {
      if (cursor.value === null) return and([eb(ref, 'is', null), eb('p.id', descending ? '<' : '>', cursor.id)]);
      return or([
        eb(ref, descending ? '<' : '>', cursor.value as never),
        and([eb(ref, '=', cursor.value as never), eb('p.id', descending ? '<' : '>', cursor.id)]),
        eb(ref, 'is', null),
      ]);
    });
  }
  // The page and the total are independent reads: asked at once, on two pooled connections, the
  // list costs the slower of the two instead of their sum.
  const pageQuery = page
    .leftJoin('retail_stores as rs', 'rs.id', 'p.favorite_store_id')
    .select([
      'p.id',
      'p.full_name',
      'p.email',
      'p.phone',
      'p.favorite_store_id',
      'rs.name as favorite_store_name',
      'p.points_balance',
      'p.lifetime_spend',
      'p.visits',
      'p.last_visit_at',
      'p.sourced_from',
      'p.age_gate_passed',
      'p.archived_at',
      sql<string | number | null>`${sql.ref(ref)}`.as('sort_value'),
    ])
    .orderBy(sql`${sql.ref(ref)} ${sql.raw(descending ? 'DESC' : 'ASC')} NULLS LAST`)
    .orderBy('p.id', descending ? 'desc' : 'asc')
    .limit(query.limit + 1)
    .execute();
  const [rows, counted] = await Promise.all([pageQuery, countPersonas(db, companyId, query)]);
  const hasMore = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  const sortValue = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as string | number | null));
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
    ...counted,
    nextCursor: hasMore && last ? encodeCursor({ value: sortValue(last.sort_value), id: last.id }) : null,
  };
}
