// The sync's own ANALYZE of the tables it fills: it happens once a table changed by as many rows as
// it held at its last analyze (and at least 10,000), not before; a worker looks every 5,000 records
// it writes; settled() waits for the check. And Patron's sessions plan with
// random_page_cost 1.1, which these batched lookups rely on (database.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createLogger } from '../logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { TableStatistics } from './table-statistics.ts';

let database: TestDatabase;
let companyId: string;

before(async () => {
  database = await createTestDatabase();
  const company = await database.db.insertInto('companies').values({ name: 'Statistics' }).returning('id').executeTakeFirstOrThrow();
  companyId = company.id;
  // Only the analyzes under test: autovacuum would reset the counters at moments of its choosing.
  await sql`ALTER TABLE personas SET (autovacuum_enabled = false)`.execute(database.db);
});

after(async () => {
  await database.drop();
});

/** Adds personas in one session and makes that session publish its table counters at once. */
async function addPersonas(count: number): Promise<void> {
  await database.db.connection().execute(async (connection) => {
    await sql`
      INSERT INTO personas (company_id, first_name)
      SELECT ${companyId}::uuid, 'Person ' || n FROM generate_series(1, ${count}::int) AS n`.execute(connection);
    await sql`SELECT pg_stat_force_next_flush()`.execute(connection);
    // The flush happens when the session goes idle after a statement.
    await sql`SELECT 1`.execute(connection);
  });
}

/** When personas was last analyzed by an ANALYZE command (autovacuum's own analyzes are counted apart). */
async function lastAnalyze(): Promise<{ at: Date | null; changed: number }> {
  const row = await sql<{ at: Date | null; changed: string }>`
    SELECT last_analyze AS at, n_mod_since_analyze::text AS changed FROM pg_stat_user_tables WHERE relname = 'personas'`.execute(database.db);
  return { at: row.rows[0]!.at, changed: Number(row.rows[0]!.changed) };
}

test('a bulk table is analyzed once it changed by at least 10,000 rows and as many as it held, not before', async () => {
  const statistics = new TableStatistics(database.db, createLogger('silent'));

  await addPersonas(6_000);
  statistics.refreshIfStale(6_000);
  await statistics.settled();
  assert.equal((await lastAnalyze()).at, null, '6,000 new rows are below the threshold');

  await addPersonas(6_000);
  statistics.refreshIfStale(6_000);
  await statistics.settled();
  const first = await lastAnalyze();
  assert.notEqual(first.at, null, '12,000 rows changed in a table of 12,000: analyzed');

  // Analyzed at 12,000 rows: the next 10,000 are fewer than the table holds.
  await addPersonas(10_000);
  statistics.refreshIfStale(10_000);
  await statistics.settled();
  assert.deepEqual((await lastAnalyze()).at, first.at);

  // 13,000 changed since: stale, but this worker has written only 3,000 records since its last check.
  await addPersonas(3_000);
  statistics.refreshIfStale(3_000);
  await statistics.settled();
  assert.deepEqual((await lastAnalyze()).at, first.at, 'no check before 5,000 records');
  statistics.refreshIfStale(2_000);
  await statistics.settled();
  const second = await lastAnalyze();
  assert.ok(second.at! > first.at!, '13,000 rows changed since the analyze at 12,000: analyzed again');
  assert.equal(second.changed, 0);
});

test("Patron's sessions plan with random_page_cost 1.1", async () => {
  const setting = await sql<{ random_page_cost: string }>`SHOW random_page_cost`.execute(database.db);
  assert.equal(setting.rows[0]!.random_page_cost, '1.1');
});
