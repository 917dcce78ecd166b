// The Personas list against real PostgreSQL: the per-company counter kept by triggers (migration
// 0010) equals count(*) through every way a persona enters or leaves a list, a filtered total is
// counted only up to the cap, and every sort pages through everyone once, in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { createCompanyWithAdmin } from '../accounts/accounts.ts';
import { listMigrations } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import { mergePersonas } from './identity-resolution.ts';
import { encodeCursor, listPersonas, NAME_PROBE_ROWS, NAME_SORTED_MATCHES_CAP, PERSONA_TOTAL_CAP, personaSorts, type PersonaListQuery, type PersonaSort } from './persona-list.ts';
import { refreshAggregates, refreshPersonas, refreshPointBalances } from './persona-refresh.ts';

type Shop = { store: Store; companyId: string; credentialId: string; sync(): Promise<void> };

let emulator: Emulator;
let database: TestDatabase;
let north: Shop;
let south: Shop;

async function connect(prefix: string, seed: number): Promise<Shop> {
  const store = emulator.createStore({ domainPrefix: prefix, customers: 30, sales: 40, seed });
  const connected = await connectStore(database.db, emulator, prefix);
  const deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  return {
    store,
    companyId: connected.companyId,
    credentialId: connected.credentialId,
    async sync() {
      const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
      assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
    },
  };
}

before(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  // Two retailers (two companies), so every check also proves that one's changes leave the other alone.
  north = await connect('count-north', 61);
  south = await connect('count-south', 62);
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const listQuery: PersonaListQuery = { sort: 'last_visit', direction: 'desc', limit: 50 };

type Counts = { live: number; archived: number };

/** The list's two totals by count(*), straight from personas. */
async function exactCounts(companyId: string): Promise<Counts> {
  const result = await sql<Counts>`
    SELECT count(*) FILTER (WHERE archived_at IS NULL)::int AS live,
      count(*) FILTER (WHERE archived_at IS NOT NULL AND merged_into IS NULL)::int AS archived
    FROM personas WHERE company_id = ${companyId}`.execute(database.db);
  return result.rows[0]!;
}

/** Every company's counter row equals count(*), and the unfiltered list (live and archived) reports it. */
async function assertCountersExact(): Promise<Map<string, Counts>> {
  const rows = await database.db.selectFrom('persona_counts').select(['company_id', 'live', 'archived']).execute();
  const counters = new Map(rows.map((row) => [row.company_id, { live: row.live, archived: row.archived }]));
  const companies = await database.db.selectFrom('companies').select('id').execute();
  const exact = new Map<string, Counts>();
  for (const { id } of companies) {
    const want = await exactCounts(id);
    exact.set(id, want);
    assert.deepEqual(counters.get(id) ?? { live: 0, archived: 0 }, want, `counter of company ${id}`);
    const live = await listPersonas(database.db, id, listQuery);
    const archived = await listPersonas(database.db, id, { ...listQuery, archived: true });
    assert.deepEqual([live.total, live.totalIsLowerBound], [want.live, false]);
    assert.deepEqual([archived.total, archived.totalIsLowerBound], [want.archived, false]);
  }
  for (const companyId of counters.keys()) assert.ok(exact.has(companyId), 'no counter outlives its company');
  return exact;
}

const personaOf = async (shop: Shop, externalId: string) =>
  (await database.db.selectFrom('source_customers').select('persona_id').where('credential_id', '=', shop.credentialId).where('external_id', '=', externalId).executeTakeFirstOrThrow()).persona_id;

test('synced personas are counted per company, and the unfiltered list total is that counter', async () => {
  await north.sync();
  await south.sync();
  const counts = await assertCountersExact();
  assert.ok(counts.get(north.companyId)!.live > 0 && counts.get(south.companyId)!.live > 0);
});

test('a merge by the sync, a deleted customer (archived) and a returning source (un-archived) move the counter', async () => {
  const start = (await assertCountersExact()).get(north.companyId)!;
  const ann = north.store.createCustomer({ first_name: 'Ann', last_name: 'Count', email: 'ann.count@example.test' });
  const anne = north.store.createCustomer({ first_name: 'Anne', last_name: 'Count', email: 'anne.count@example.test' });
  await north.sync();
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: start.live + 2, archived: start.archived });

  // Same email: resolveIdentities merges them. A merged persona is in neither list.
  north.store.updateCustomer(anne.id, { email: 'ann.count@example.test' });
  await north.sync();
  assert.equal(await personaOf(north, ann.id), await personaOf(north, anne.id));
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: start.live + 1, archived: start.archived });

  const gina = north.store.createCustomer({ first_name: 'Gina', last_name: 'Gone', email: 'gina.gone@example.test' });
  await north.sync();
  const ginaPersona = (await personaOf(north, gina.id))!;
  north.store.deleteCustomer(gina.id);
  await north.sync();
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: start.live + 1, archived: start.archived + 1 });

  // Her source comes back (relinked): refreshPersonas restores the archived persona.
  await database.db.transaction().execute(async (trx) => {
    await trx.updateTable('source_customers').set({ persona_id: ginaPersona, persona_exclusion: null, deleted_at: null }).where('credential_id', '=', north.credentialId).where('external_id', '=', gina.id).execute();
    await refreshPersonas(trx, north.companyId, [ginaPersona]);
  });
  assert.equal((await database.db.selectFrom('personas').select('archived_at').where('id', '=', ginaPersona).executeTakeFirstOrThrow()).archived_at, null);
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: start.live + 2, archived: start.archived });
});

test('mergePersonas of a live and of an archived persona, in one statement', async () => {
  const before = (await assertCountersExact()).get(north.companyId)!;
  const live = await database.db.selectFrom('personas').select('id').where('company_id', '=', north.companyId).where('archived_at', 'is', null).orderBy('id').limit(3).execute();
  const [survivor, mergedLive, toArchive] = live.map((row) => row.id);
  await database.db.updateTable('personas').set({ archived_at: new Date() }).where('id', '=', toArchive!).execute();
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: before.live - 1, archived: before.archived + 1 });
  await database.db.transaction().execute((trx) =>
    mergePersonas(trx, north.companyId, [
      { survivor: survivor!, merged: mergedLive! },
      { survivor: survivor!, merged: toArchive! },
    ], 'test'),
  );
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: before.live - 2, archived: before.archived });
});

test('profile, aggregate, favorite-store and points updates never write the counter row', async () => {
  const counterVersion = async () =>
    (await sql<{ version: string }>`SELECT xmin::text AS version FROM persona_counts WHERE company_id = ${north.companyId}`.execute(database.db)).rows[0]!.version;
  const before = await counterVersion();
  const ids = (await database.db.selectFrom('personas').select('id').where('company_id', '=', north.companyId).execute()).map((row) => row.id);
  await database.db.transaction().execute(async (trx) => {
    await refreshPersonas(trx, north.companyId, ids);
    await refreshAggregates(trx, ids);
  });
  await refreshPointBalances(database.db, ids);
  // A new sale synced: its buyer's aggregates, favorite store and points change, no persona appears.
  const buyer = north.store.snapshot('customers').find((customer) => customer.email)!;
  north.store.createSale({ customerId: String(buyer.id) });
  await north.sync();
  assert.equal(await counterVersion(), before, 'the counter row was not rewritten');
  await assertCountersExact();
});

test('concurrent writers never lose a change to the counter', async () => {
  const before = (await assertCountersExact()).get(south.companyId)!;
  const live = (await database.db.selectFrom('personas').select('id').where('company_id', '=', south.companyId).where('archived_at', 'is', null).orderBy('id').limit(6).execute()).map((row) => row.id);
  // Six transactions at once, each adding 20 personas and archiving a different one; the sleep keeps
  // them open together, so they queue on the counter row.
  await Promise.all(
    live.map((personaId) =>
      database.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO personas (company_id, first_name) SELECT ${south.companyId}::uuid, 'Parallel' FROM generate_series(1, 20)`.execute(trx);
        await sql`SELECT pg_sleep(0.05)`.execute(trx);
        await trx.updateTable('personas').set({ archived_at: new Date() }).where('id', '=', personaId).execute();
      }),
    ),
  );
  assert.deepEqual((await assertCountersExact()).get(south.companyId), { live: before.live + 6 * 20 - 6, archived: before.archived + 6 });
});

test('a filtered total is counted up to the cap and flagged as a lower bound; below the cap it is exact', async () => {
  const { companyId } = await createCompanyWithAdmin(database.db, { companyName: 'Big Shop', name: 'Owner', email: 'owner@big.example.test', password: 'long password 1' });
  await sql`
    INSERT INTO personas (company_id, first_name, last_name, last_visit_at)
    SELECT ${companyId}::uuid, 'Person' || i, CASE WHEN i <= ${PERSONA_TOTAL_CAP + 1} THEN 'Capped' ELSE 'Other' END, now() - i * interval '1 minute'
    FROM generate_series(1, ${PERSONA_TOTAL_CAP + 21}) AS i`.execute(database.db);
  const search = (q: string) => listPersonas(database.db, companyId, { ...listQuery, search: q });

  const over = await search('capped');
  assert.deepEqual([over.total, over.totalIsLowerBound], [PERSONA_TOTAL_CAP, true], 'one over the cap: "10,000+"');
  assert.equal(over.personas.length, 50);
  assert.ok(over.nextCursor);
  const unfiltered = await listPersonas(database.db, companyId, listQuery);
  assert.deepEqual([unfiltered.total, unfiltered.totalIsLowerBound], [PERSONA_TOTAL_CAP + 21, false], 'the unfiltered total is exact at any size');

  await sql`UPDATE personas SET archived_at = now() WHERE id = (SELECT id FROM personas WHERE company_id = ${companyId} AND last_name = 'Capped' LIMIT 1)`.execute(database.db);
  const atCap = await search('capped');
  assert.deepEqual([atCap.total, atCap.totalIsLowerBound], [PERSONA_TOTAL_CAP, false], 'exactly the cap is exact');
  const few = await search('other');
  assert.deepEqual([few.total, few.totalIsLowerBound], [20, false]);
  const archived = await listPersonas(database.db, companyId, { ...listQuery, archived: true, search: 'capped' });
  assert.deepEqual([archived.total, archived.totalIsLowerBound], [1, false]);
  await assertCountersExact();
});

test('every sort in both directions pages through everyone exactly once, in ORDER BY order, ties and NULLs included', async () => {
  const { companyId } = await createCompanyWithAdmin(database.db, { companyName: 'Sort Shop', name: 'Owner', email: 'owner@sort.example.test', password: 'long password 1' });
  // Few distinct values per column, so ties cross page boundaries; never-visited personas (NULL last
  // visit); empty and differently cased names; timestamps that differ by microseconds within one
  // millisecond (a cursor holding a JS Date would lose them); and some archived personas.
  await sql`
    INSERT INTO personas (company_id, first_name, last_name, lifetime_spend, visits, points_balance, created_at, last_visit_at, archived_at)
    SELECT ${companyId}::uuid, (ARRAY['Ann', 'Bob', 'ann', 'Zoë', NULL])[1 + i % 5], (ARRAY['Lee', 'Smith', NULL])[1 + i % 3],
      (i % 6) * 10.25, i % 4, (i % 5) * 100,
      '2024-03-01 10:00:00.0001+00'::timestamptz + (i % 7) * interval '1 microsecond',
      CASE WHEN i % 4 <> 0 THEN '2024-05-01 08:00:00.0005+00'::timestamptz + (i % 6) * interval '1 microsecond' END,
      CASE WHEN i % 11 = 0 THEN now() END
    FROM generate_series(1, 130) AS i`.execute(database.db);
  const columns: Record<PersonaSort, string> = { last_visit: 'last_visit_at', name: 'full_name', lifetime_spend: 'lifetime_spend', visits: 'visits', points: 'points_balance', created: 'created_at' };
  const variants: Array<{ archived?: boolean; search?: string }> = [{}, { archived: true }, { search: 'ann' }];
  for (const sort of personaSorts) {
    for (const direction of ['asc', 'desc'] as const) {
      for (const variant of variants) {
        const expected = await sql<{ id: string }>`
          SELECT id FROM personas WHERE company_id = ${companyId}
            AND ${variant.archived ? sql`archived_at IS NOT NULL AND merged_into IS NULL` : sql`archived_at IS NULL`}
            AND ${variant.search ? sql`full_name ILIKE '%ann%'` : sql`true`}
          ORDER BY ${sql.ref(columns[sort])} ${sql.raw(direction)} NULLS LAST, id ${sql.raw(direction)}`.execute(database.db);
        const label = `${sort} ${direction} ${JSON.stringify(variant)}`;
        assert.ok(expected.rows.length > 7, label);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await listPersonas(database.db, companyId, { sort, direction, limit: 7, cursor, ...variant });
          seen.push(...page.personas.map((persona) => persona.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        assert.deepEqual(seen, expected.rows.map((row) => row.id), label);
      }
    }
  }
  // A cursor whose value is not a string, number or null is ignored: the first page.
  const first = await listPersonas(database.db, companyId, { ...listQuery, limit: 7 });
  const odd = await listPersonas(database.db, companyId, { ...listQuery, limit: 7, cursor: encodeCursor({ value: { x: 1 } as never, id: first.personas[0]!.id }) });
  assert.deepEqual(odd.personas.map((persona) => persona.id), first.personas.map((persona) => persona.id));
});

test('a search sorted by name pages the same whichever step answers it: probe, sorted matches or walk', async () => {
  const { companyId } = await createCompanyWithAdmin(database.db, { companyName: 'Crowd Shop', name: 'Owner', email: 'owner@crowd.example.test', password: 'long password 1' });
  // More than NAME_PROBE_ROWS "Aaa" and "Zzz" personas (first in name order either way, "edge" in their
  // email), then more than NAME_SORTED_MATCHES_CAP with "crowd" in theirs. The crowd's names that sort
  // first either way ("Maa", "Mzz") are written last, so a page sorted from any 50,001 of the matches,
  // as read in table order, would miss them.
  const edge = NAME_PROBE_ROWS + 50;
  await sql`
    INSERT INTO personas (company_id, first_name, last_name, email)
    SELECT ${companyId}::uuid,
      CASE WHEN i <= ${edge} THEN 'Aaa' WHEN i <= ${2 * edge} THEN 'Zzz'
        WHEN i > ${2 * edge + NAME_SORTED_MATCHES_CAP + 20} THEN 'Maa' WHEN i > ${2 * edge + NAME_SORTED_MATCHES_CAP} THEN 'Mzz' ELSE 'Mid' || (i % 17) END,
      'Lee', 'p' || i || CASE WHEN i <= ${2 * edge} THEN '@edge.example.test' ELSE '@crowd.example.test' END
    FROM generate_series(1, ${2 * edge + NAME_SORTED_MATCHES_CAP + 40}) AS i`.execute(database.db);
  // "aaa" and "edge" are found by the probe, "mzz" and "mid1" (fewer than the cap) by sorting their
  // matches, and "crowd" (more than the cap, none among the first personas either way) by the walk.
  for (const search of ['aaa', 'edge', 'mzz', 'mid1', 'crowd']) {
    for (const direction of ['asc', 'desc'] as const) {
      const expected = await sql<{ id: string }>`
        SELECT id FROM personas WHERE company_id = ${companyId} AND (full_name ILIKE ${`%${search}%`} OR email ILIKE ${`%${search}%`})
        ORDER BY full_name ${sql.raw(direction)}, id ${sql.raw(direction)} LIMIT 60`.execute(database.db);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 3 && seen.length < expected.rows.length; pages++) {
        const page = await listPersonas(database.db, companyId, { sort: 'name', direction, limit: 20, search, cursor });
        seen.push(...page.personas.map((persona) => persona.id));
        cursor = page.nextCursor ?? undefined;
      }
      assert.deepEqual(seen, expected.rows.map((row) => row.id), `"${search}" ${direction}`);
    }
  }
});

test('deleting personas (a merge survivor among them) and a whole company keeps every counter exact', async () => {
  const before = (await assertCountersExact()).get(north.companyId)!;
  const merge = await database.db
    .selectFrom('persona_merges as m')
    .innerJoin('personas as s', 's.id', 'm.survivor_id')
    .select(['m.survivor_id', 'm.merged_id'])
    .where('m.company_id', '=', north.companyId)
    .where('s.archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  const mergedIntoSurvivor = (await database.db.selectFrom('personas').select('id').where('merged_into', '=', merge.survivor_id).execute()).length;
  assert.ok(mergedIntoSurvivor > 0);
  // Deleting the survivor clears merged_into on what was merged into it (ON DELETE SET NULL): those
  // personas become plain archived ones, an UPDATE the counter follows too.
  await database.db.deleteFrom('personas').where('id', '=', merge.survivor_id).execute();
  assert.deepEqual((await assertCountersExact()).get(north.companyId), { live: before.live - 1, archived: before.archived + mergedIntoSurvivor });

  await database.db.deleteFrom('personas').where('company_id', '=', north.companyId).where('archived_at', 'is not', null).where('merged_into', 'is', null).execute();
  assert.equal((await assertCountersExact()).get(north.companyId)!.live, before.live - 1);

  const southLive = (await exactCounts(south.companyId)).live;
  await database.db.deleteFrom('companies').where('id', '=', north.companyId).execute();
  const after = await assertCountersExact();
  assert.ok(!after.has(north.companyId));
  assert.equal(after.get(south.companyId)!.live, southLive);
});

test('migration 0010 fills the counters from the personas already there', async () => {
  const migration = listMigrations().find((candidate) => candidate.id === 10)!;
  await sql`DROP TABLE persona_counts; DROP FUNCTION persona_counts_apply() CASCADE; DROP FUNCTION persona_counts_move() CASCADE; DROP FUNCTION persona_counts_truncate() CASCADE`.execute(database.db);
  await database.db.transaction().execute((trx) => sql.raw(migration.sql).execute(trx));
  const counts = await assertCountersExact();
  assert.ok(counts.get(south.companyId)!.live > 0);
});
