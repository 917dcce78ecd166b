import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { waitFor } from '../../test/sync/sync-harness.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

/** The server's sessions that carry this application_name. */
async function sessionsNamed(name: string): Promise<number> {
  const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${name}`.execute(database.db);
  return rows.rows[0]!.n;
}

for (const use of ['kysely', 'pool'] as const) {
  test(`closing a handle used through ${use === 'kysely' ? 'its Kysely instance' : 'its pool alone'} closes its connections`, async () => {
    const name = `patron-close-${use}`;
    const url = new URL(database.url);
    url.searchParams.set('application_name', name);
    const handle = openDatabase(url.toString(), { max: 2 });
    if (use === 'kysely') await sql`SELECT 1`.execute(handle.db);
    else await handle.pool.query('SELECT 1');
    assert.equal(await sessionsNamed(name), 1);
    await handle.close();
    // A session ends just after its client hangs up; the pool's own idle timeout would take ten seconds.
    await waitFor("the handle's sessions to end", async () => (await sessionsNamed(name)) === 0, 2_000);
  });
}
