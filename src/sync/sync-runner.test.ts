// The sync engine against the emulator over real HTTP and a real PostgreSQL: an exact mirror,
// live changes on the next incremental run, replays that change nothing, and every failure mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { mirrorDifferences } from '../../test/helpers/mirror.ts';
import { createLogger } from '../logger.ts';
import { replaceCredentialToken } from '../integrations/connections.ts';
import { listOpenNotifications } from '../notifications/notifications.ts';
import { runCredentialSync, type SyncDeps, type SyncResult } from './sync-runner.ts';
import { createSyncDeps } from './sync-deps.ts';

let emulator: Emulator;
let database: TestDatabase;
let store: Store;
let deps: SyncDeps;
let credentialId: string;
let companyId: string;

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'mirror-shop', customers: 300, sales: 400, outlets: 3, registers: 3, seed: 21 });
  database = await createTestDatabase();
  const connected = await connectStore(database.db, emulator, 'mirror-shop');
  credentialId = connected.credentialId;
  companyId = connected.companyId;
  deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const sync = (reason = 'test') => runCredentialSync(deps, credentialId, { reason });
const succeeded = (result: SyncResult) => {
  assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
  return result as Extract<SyncResult, { outcome: 'succeeded' }>;
};
async function assertMirror() {
  const { compared, differences } = await mirrorDifferences(database.db, credentialId, store);
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} differences`);
  return compared;
}
const tableCount = async (table: string) =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE credential_id = ${credentialId}`.execute(database.db)).rows[0]!.n);

describe('backfill and incremental sync', () => {
  test('the first run mirrors the store exactly, at the maximum page sizes', async () => {
    const started = Date.now();
    const result = succeeded(await sync('connected'));
    console.log(`# backfill of ${result.records} records: ${Date.now() - started} ms, ${result.requests} requests`);
    assert.ok(result.complete);
    const compared = await assertMirror();
    assert.ok(compared >= 700);
    assert.equal(await tableCount('source_locations'), 3);
    assert.ok((await tableCount('source_staff')) > 0);
    assert.ok((await tableCount('source_customer_groups')) >= 2);
    // 7 resources, each one full page + one empty page; customers and sales fit one page each.
    assert.equal(result.requests, 14, 'no request more than the minimum');
    const walkIn = await database.db.selectFrom('source_customers').select('customer_code').where('external_id', '=', store.walkInCustomerId).executeTakeFirst();
    assert.equal(walkIn?.customer_code, 'WALKIN', 'the walk-in customer is kept as a source record');
  });

  test('an incremental run with nothing new costs one request per resource and writes nothing', async () => {
    const before = emulator.countRequests({ store: 'mirror-shop' });
    const result = succeeded(await sync());
    assert.equal(result.records, 0);
    assert.equal(emulator.countRequests({ store: 'mirror-shop' }) - before, 7);
  });

  test('live changes arrive on the next run: new, edited, deleted and merged customers; new, voided, returned sales', async () => {
    const [first, second, third, fourth] = store.snapshot('customers').filter((c) => c.customer_code !== 'WALKIN' && c.email);
    const created = store.createCustomer({ first_name: 'Nova', last_name: 'Newcomer', email: 'nova@example.test', phone: '(555) 123-4567' });
    store.updateCustomer(String(first!.id), { email: 'changed@example.test', last_name: 'Renamed' });
    store.deleteCustomer(String(second!.id));
    store.mergeCustomers(String(third!.id), String(fourth!.id));
    const sale = store.createSale({ customerId: created.id });
    const toVoid = store.createSale({ customerId: String(first!.id) });
    store.voidSale(toVoid.id);
    const laybys = store.createSale({ customerId: created.id, status: 'LAYBY' });
    store.closeSale(laybys.id);
    const returned = store.startReturn(sale.id);
    store.completeReturn(returned.id);

    const result = succeeded(await sync());
    assert.ok(result.records > 0);
    await assertMirror();
    const deleted = await database.db.selectFrom('source_customers').select('deleted_at').where('external_id', '=', String(second!.id)).executeTakeFirstOrThrow();
    assert.ok(deleted.deleted_at, 'the deletion is applied as a soft delete');
    const voided = await database.db.selectFrom('sales').select('state').where('external_id', '=', toVoid.id).executeTakeFirstOrThrow();
    assert.equal(voided.state, 'voided');
    const layby = await database.db.selectFrom('sales').select(['state', 'attributes']).where('external_id', '=', laybys.id).executeTakeFirstOrThrow();
    assert.equal(layby.state, 'closed');
    assert.ok(layby.attributes.includes('layby'));
    const ret = await database.db.selectFrom('sales').select(['return_for_external_id', 'total_incl_tax']).where('external_id', '=', returned.id).executeTakeFirstOrThrow();
    assert.equal(ret.return_for_external_id, sale.id);
    assert.ok(Number(ret.total_incl_tax) < 0, 'a completed return has negative totals');
  });

  test('replaying from scratch (cursors reset) changes nothing and duplicates nothing', async () => {
    const counts = async () => ({ customers: await tableCount('source_customers'), sales: await tableCount('sales') });
    const lines = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM sale_lines`.execute(database.db)).rows[0]!.n);
    const before = { ...(await counts()), lines: await lines() };
    const fingerprint = await sql<{ f: string }>`SELECT md5(string_agg(external_id || version || coalesce(email, ''), ',' ORDER BY external_id)) AS f FROM source_customers`.execute(database.db);
    await database.db.updateTable('sync_cursors').set({ after_version: 0 }).where('credential_id', '=', credentialId).execute();
    const result = succeeded(await sync('resync'));
    assert.equal(result.records > 0, true, 'everything was read again');
    assert.deepEqual({ ...(await counts()), lines: await lines() }, before);
    const again = await sql<{ f: string }>`SELECT md5(string_agg(external_id || version || coalesce(email, ''), ',' ORDER BY external_id)) AS f FROM source_customers`.execute(database.db);
    assert.equal(again.rows[0]!.f, fingerprint.rows[0]!.f);
    await assertMirror();
  });
});

describe('failures', () => {
  test('429 ends the run as rate limited with the time to resume; the next run completes with nothing lost', async () => {
    const newcomer = store.createCustomer({ first_name: 'Rita', last_name: 'Ratelimit', email: 'rita@example.test' });
    store.setFaults([{ kind: 'rate_limit', count: 1, path: '/api/2.0/customers' }]);
    const limited = await sync();
    assert.equal(limited.outcome, 'rate_limited');
    if (limited.outcome === 'rate_limited') assert.ok(limited.retryAt.getTime() > Date.now());
    const run = await database.db.selectFrom('sync_runs').select(['outcome', 'retry_at']).where('id', '=', (limited as { runId: string }).runId).executeTakeFirstOrThrow();
    assert.equal(run.outcome, 'rate_limited');
    assert.ok(run.retry_at);
    succeeded(await sync());
    assert.ok(await database.db.selectFrom('source_customers').select('id').where('external_id', '=', newcomer.id).executeTakeFirst());
    await assertMirror();
  });

  test('5xx, resets and malformed pages throw for a retry; a retry completes exactly', async () => {
    for (const fault of [{ kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'truncate' }, { kind: 'malformed' }] as const) {
      store.createSale({ customerId: store.walkInCustomerId });
      store.setFaults([{ ...fault, count: 1, path: '/api/2.0/sales' }]);
      await assert.rejects(sync(), (error: Error) => error.name === 'LightspeedError', JSON.stringify(fault));
      const failed = await database.db.selectFrom('sync_runs').select(['outcome', 'error']).orderBy('started_at', 'desc').executeTakeFirstOrThrow();
      assert.equal(failed.outcome, 'failed');
      assert.ok(failed.error);
      succeeded(await sync());
    }
    await assertMirror();
  });

  test('a revoked token marks the credential invalid and notifies; a new token resumes from the saved cursors', async () => {
    store.revokeToken(store.token);
    const late = store.createCustomer({ first_name: 'Lena', last_name: 'Late', email: 'lena@example.test' });
    const result = await sync();
    assert.equal(result.outcome, 'auth_failed');
    const credential = await database.db.selectFrom('credentials').select(['status']).where('id', '=', credentialId).executeTakeFirstOrThrow();
    assert.equal(credential.status, 'invalid');
    const notices = (await listOpenNotifications(database.db, companyId)).filter((notice) => notice.kind === 'credential_invalid');
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.title, /Reconnect Lightspeed/);
    assert.equal((await sync()).outcome, 'skipped', 'an invalid credential is not synced');
    const customersBefore = await tableCount('source_customers');
    assert.ok(customersBefore > 300, 'nothing already synced was lost');

    const fresh = store.createToken({ name: 'new' }).token;
    await replaceCredentialToken(database.db, deps.secretKey, deps.connectors['lightspeed-x']!, companyId, credentialId, fresh);
    const before = emulator.countRequests({ store: 'mirror-shop', path: '/api/2.0/customers' });
    const resumed = succeeded(await sync());
    assert.ok(resumed.records >= 1 && resumed.records < 10, `resumed from the cursors (${resumed.records} records)`);
    assert.equal(emulator.countRequests({ store: 'mirror-shop', path: '/api/2.0/customers' }) - before, 2);
    assert.ok(await database.db.selectFrom('source_customers').select('id').where('external_id', '=', late.id).executeTakeFirst());
    const stillOpen = (await listOpenNotifications(database.db, companyId)).filter((notice) => notice.kind === 'credential_invalid');
    assert.equal(stillOpen.length, 0, 'the notification resolves itself');
    await assertMirror();
  });

  test('only one run per credential at a time', async () => {
    store.setFaults([{ kind: 'delay', delayMs: 400, count: 3 }]);
    const [a, b] = await Promise.all([sync(), sync()]);
    const outcomes = [a.outcome, b.outcome].sort();
    assert.deepEqual(outcomes, ['skipped', 'succeeded']);
    store.clearFaults();
  });
});
