import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';

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

/** Polls for up to two seconds (a session ends just after its client hangs up); the pool's own idle timeout is ten. */
async function sessionsLeft(name: string): Promise<number> {
  for (let waited = 0; waited < 2_000; waited += 50) {
    if ((await sessionsNamed(name)) === 0) return 0;
    await sleep(50);
  }
  return sessionsNamed(name);
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
    assert.equal(await sessionsLeft(name), 0);
  });
}
