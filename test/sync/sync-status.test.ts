// The connection page's sync panel over HTTP: every state the status can be in, Sync now, Resync
// from scratch (re-reads everything, duplicates nothing), company scoping, and the customer groups.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { runCredentialSync, type SyncDeps } from '../../src/sync/sync-runner.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { duplicateRows } from './sync-harness.ts';

let emulator: Emulator;
let store: Store;
let server: TestServer;
let admin: HttpSession;
let stranger: HttpSession;
let credentialId: string;
let deps: SyncDeps;

const statusPath = () => `/api/connections/lightspeed-x/credentials/${credentialId}/sync`;
const status = async (session = admin) => {
  const response = await session.get(statusPath());
  assert.equal(response.status, 200, response.text);
  return response.json;
};
const sync = (reason = 'test') => runCredentialSync(deps, credentialId, { reason });

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'status-shop', customers: 150, sales: 250, seed: 9 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  admin = new HttpSession(server.url);
  await admin.signUp();
  stranger = new HttpSession(server.url);
  await stranger.signUp();
  const added = await admin.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: 'status-shop' });
  assert.equal(added.status, 201, added.text);
  credentialId = added.json.credential.id;
  deps = createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger: createLogger('silent') });
});
after(async () => {
  await server.close();
  await emulator.close();
});

describe('sync status', () => {
  test('never_synced before the first run, up_to_date after it, with resources and the run history', async () => {
    const first = await status();
    assert.equal(first.state, 'never_synced');
    assert.equal(first.lastSuccessAt, null);
    assert.deepEqual(first.runs, []);
    assert.equal(first.realtime.state, 'off');

    const result = await sync('connected');
    assert.equal(result.outcome, 'succeeded');
    const done = await status();
    assert.equal(done.state, 'up_to_date');
    assert.ok(done.lastSuccessAt);
    assert.equal(done.runs.length, 1);
    const [run] = done.runs;
    assert.equal(run.reason, 'connected');
    assert.equal(run.outcome, 'succeeded');
    assert.ok(run.durationMs >= 0 && run.pages > 0 && run.records >= 400 && run.requests > 0, JSON.stringify(run));
    const customers = done.resources.find((row: { resource: string }) => row.resource === 'customers');
    assert.ok(customers && customers.records >= 150, JSON.stringify(done.resources));
    assert.deepEqual(done.quarantined, []);
    assert.equal(done.quarantinedCount, 0);
  });

  test("another company's credential is a 404, for the status and both actions", async () => {
    assert.equal((await stranger.get(statusPath())).status, 404);
    assert.equal((await stranger.post(statusPath())).status, 404);
    assert.equal((await stranger.post(statusPath().replace(/sync$/, 'resync'))).status, 404);
    assert.equal((await admin.get('/api/connections/lightspeed-x/credentials/not-a-uuid/sync')).status, 404);
    assert.equal((await admin.get(`/api/connections/nope/credentials/${credentialId}/sync`)).status, 404);
  });

  test('rate_limited with the time it resumes, then up_to_date again', async () => {
    store.setFaults([{ kind: 'rate_limit', count: 1, path: '/api/2.0/customers' }]);
    assert.equal((await sync()).outcome, 'rate_limited');
    const limited = await status();
    assert.equal(limited.state, 'rate_limited');
    assert.ok(Date.parse(limited.retryAt) > Date.now(), limited.retryAt);
    assert.equal(limited.runs[0].outcome, 'rate_limited');
    assert.equal((await sync()).outcome, 'succeeded');
    assert.equal((await status()).state, 'up_to_date');
  });

  test('failing with the last error, after a server error', async () => {
    store.setFaults([{ kind: 'status', status: 503, count: 1, path: '/api/2.0/sales' }]);
    await assert.rejects(sync());
    const failing = await status();
    assert.equal(failing.state, 'failing');
    assert.match(failing.lastError, /server error 503/);
    assert.equal((await sync()).outcome, 'succeeded');
  });

  test('Sync now queues a manual sync, once however often it is clicked', async () => {
    const first = await admin.post(statusPath());
    const second = await admin.post(statusPath());
    assert.deepEqual([first.status, second.status], [202, 202]);
    assert.equal(second.json.alreadyWaiting, true);
    const jobs = await sql<{ reason: string }>`SELECT data->>'reason' AS reason FROM pgboss.job WHERE name = ${SYNC_QUEUE} AND singleton_key = ${credentialId} AND state = 'created'`.execute(server.database.db);
    assert.deepEqual(jobs.rows.map((row) => row.reason), ['manual']);
  });

  test('Resync from scratch resets the cursors on the next run, which re-reads everything and duplicates nothing', async () => {
    store.createCustomer({ first_name: 'Reese', last_name: 'Resync', email: 'reese@example.test' });
    const before = await status();
    const response = await admin.post(statusPath().replace(/sync$/, 'resync'));
    assert.equal(response.status, 202);
    assert.equal((await status()).state, 'backfilling', 'a pending resync shows as a backfill');
    const cursorsBefore = await server.database.db.selectFrom('sync_cursors').select(['resource', 'after_version']).where('credential_id', '=', credentialId).execute();
    assert.ok(cursorsBefore.every((row) => row.after_version > 0));

    const result = await sync('resync');
    assert.equal(result.outcome, 'succeeded');
    const storeTotal = ['outlets', 'registers', 'users', 'customer_groups', 'customers', 'sales'].reduce(
      (sum, resource) => sum + store.snapshot(resource as Parameters<Store['snapshot']>[0], { includeDeleted: true }).length,
      0,
    );
    assert.ok(result.outcome === 'succeeded' && result.records >= storeTotal, `re-read ${result.outcome === 'succeeded' ? result.records : 0} of ${storeTotal}`);
    const after = await status();
    assert.equal(after.state, 'up_to_date');
    assert.equal(after.runs.length, before.runs.length + 1);
    const customers = after.resources.find((row: { resource: string }) => row.resource === 'customers');
    assert.equal(customers.records, store.snapshot('customers', { includeDeleted: true }).length, 'counters restart with the resync');
    assert.equal(await duplicateRows(server.database.db), 0);
    const { differences } = await mirrorDifferences(server.database.db, credentialId, store);
    assert.deepEqual(differences.slice(0, 5), []);
  });

  test('the customer groups picker lists this company’s synced groups only', async () => {
    const { groups } = (await admin.get('/api/connections/lightspeed-x/customer-groups')).json;
    const expected = store.snapshot('customer_groups').map((group) => String(group.id)).sort();
    assert.deepEqual(groups.map((group: { id: string }) => group.id).sort(), expected);
    assert.ok(groups.every((group: { credentialId: string; name: string }) => group.credentialId === credentialId && group.name));
    assert.deepEqual((await stranger.get('/api/connections/lightspeed-x/customer-groups')).json.groups, []);
  });

  test('invalid_token after the token is revoked, with the reason', async () => {
    store.revokeToken(store.token);
    assert.equal((await sync()).outcome, 'auth_failed');
    const invalid = await status();
    assert.equal(invalid.state, 'invalid_token');
    assert.match(invalid.lastError, /rejected the token/);
    assert.equal((await admin.post(statusPath())).status, 409, 'Sync now asks for a new token first');
  });
});
