// Units of customers none of which is stored yet (a backfill) are written while the unit before them
// commits (sync-runner.ts, mayOverlapPrevious). Here a page of 5,000 customers is three units, the
// hooks of each are slowed down so the next unit's insert really runs alongside, and the last unit
// holds people already seen in the units before it, including the one it overlaps: they must join
// those personas. Then a unit fails, and the unit written alongside it must roll back with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Store } from '../../emulator/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync, type AfterPageHook, type SyncDeps } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { emulatorAndDatabase } from '../helpers/emulator-and-database.ts';

const env = emulatorAndDatabase();

/**
 * 5,000 customers (units of 2,000, 2,000 and 1,000 and a few), then two newcomers who share the
 * email of a customer of the first unit and of the second: they land in the third unit.
 */
async function connect(domainPrefix: string, seed: number): Promise<{ store: Store; deps: SyncDeps; credentialId: string; twins: Array<[string, string]> }> {
  const store = env.emulator.createStore({ domainPrefix, customers: 5_000, sales: 0, outlets: 1, registers: 1, seed });
  store.setRateLimit({ enabled: false });
  const existing = store.snapshot('customers');
  const twins: Array<[string, string]> = [];
  for (const position of [700, 2_700]) {
    const original = existing.find((customer, index) => index >= position && typeof customer.email === 'string' && customer.email !== '')!;
    const twin = store.createCustomer({ first_name: 'Twin', last_name: String(position), email: original.email });
    twins.push([String(original.id), String(twin.id)]);
  }
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix);
  const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  return { store, deps, credentialId: connected.credentialId, twins };
}

/**
 * Slows each unit of customers down after its writes, notes whether the next unit's insert was
 * waiting alongside it by then, and can make the nth unit fail.
 */
function slowCustomerHooks(options: { failOnUnit?: number } = {}): { hook: AfterPageHook; units: () => number; overlapped: () => number } {
  let units = 0;
  let overlapped = 0;
  const hook: AfterPageHook = async (_trx, _scope, records) => {
    if (records[0]?.kind !== 'customer') return;
    units++;
    await sleep(300);
    const alongside = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%INSERT INTO source_customers%'`.execute(env.database.db);
    if (alongside.rows[0]!.n > 0) overlapped++;
    if (units === options.failOnUnit) throw new Error(`unit ${units} failed on purpose`);
  };
  return { hook, units: () => units, overlapped: () => overlapped };
}

async function personaOf(credentialId: string, externalId: string): Promise<string | null> {
  const row = await env.database.db.selectFrom('source_customers').select('persona_id').where('credential_id', '=', credentialId).where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return row.persona_id;
}

test('new customers are inserted while the unit before commits; people seen in earlier units join their personas', async () => {
  const { store, deps, credentialId, twins } = await connect('overlap-shop', 41);
  const slow = slowCustomerHooks();
  const result = await runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, slow.hook] }, credentialId, { reason: 'test' });
  assert.equal(result.outcome, 'succeeded');
  assert.equal(slow.units(), 3);
  assert.equal(slow.overlapped(), 2, 'the second and third units were inserted while the one before them ran its hooks');
  assert.deepEqual((await mirrorDifferences(env.database.db, credentialId, store)).differences, []);
  for (const [original, twin] of twins) {
    const persona = await personaOf(credentialId, original);
    assert.ok(persona);
    assert.equal(await personaOf(credentialId, twin), persona, `customer ${twin} joins the persona of ${original}`);
  }

  // Read again from the start, they are all stored: the units run one after the other, and nothing changes.
  const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM personas WHERE archived_at IS NULL`.execute(env.database.db);
  await sql`DELETE FROM sync_cursors WHERE credential_id = ${credentialId} AND resource = 'customers'`.execute(env.database.db);
  const again = slowCustomerHooks();
  assert.equal((await runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, again.hook] }, credentialId, { reason: 'resync' })).outcome, 'succeeded');
  assert.equal(again.units(), 3);
  assert.equal(again.overlapped(), 0);
  const afterRun = await sql<{ n: number }>`SELECT count(*)::int AS n FROM personas WHERE archived_at IS NULL`.execute(env.database.db);
  assert.equal(afterRun.rows[0]!.n, before.rows[0]!.n);
});

test('a unit that fails takes the unit inserted alongside it down too; the retry ends exact', async () => {
  const { store, deps, credentialId, twins } = await connect('failing-overlap-shop', 42);
  const failing = slowCustomerHooks({ failOnUnit: 2 });
  await assert.rejects(runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, failing.hook] }, credentialId, { reason: 'test' }), /unit 2 failed on purpose/);
  assert.equal(failing.overlapped(), 2);
  // Only the first unit committed: the third, inserted while the second ran its hooks, rolled back.
  const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM source_customers WHERE credential_id = ${credentialId}`.execute(env.database.db);
  assert.equal(stored.rows[0]!.n, 2_000);

  const retry = await runCredentialSync(deps, credentialId, { reason: 'retry' });
  assert.equal(retry.outcome, 'succeeded');
  assert.deepEqual((await mirrorDifferences(env.database.db, credentialId, store)).differences, []);
  for (const [original, twin] of twins) assert.equal(await personaOf(credentialId, twin), await personaOf(credentialId, original));
  const unlinked = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM source_customers WHERE credential_id = ${credentialId} AND persona_id IS NULL AND persona_exclusion IS NULL`.execute(env.database.db);
  assert.equal(unlinked.rows[0]!.n, 0, 'every customer is in a persona or has a reason not to be');
});
