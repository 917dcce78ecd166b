// Real-time updates end to end: Patron registers its webhooks on an emulator store, the emulator
// delivers a change, Patron queues a sync and an in-process worker writes the row; plus the intake's
// edge cases, removal when turned off, and removal that cannot block deleting a credential.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { findFreePort } from '../../src/db/embedded-server.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { SYNC_QUEUE } from '../../src/sync/sync-queue.ts';
import { createRealtimeAdapters, reconcileWebhooks, startRealtimeWorker } from '../../src/sync/realtime.ts';
import { startSyncWorker } from '../../src/sync/sync-worker.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from './sync-harness.ts';

let emulator: Emulator;
let store: Store;
let server: TestServer;
let admin: HttpSession;
let credentialId: string;
let secret: string;

const realtimeDeps = () => ({ db: server.database.db, secretKey: server.config.secretKey, logger: createLogger('silent'), adapters: createRealtimeAdapters(server.config) });
const saveConnection = (realtimeUpdates: boolean) => admin.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true, settings: { realtimeUpdates } });
const status = async () => (await admin.get(`/api/connections/lightspeed-x/credentials/${credentialId}/sync`)).json;
const deliver = (body: string, path = `/webhooks/lightspeed/${secret}`) =>
  fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const queuedSyncJobs = async () =>
  Number(
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${SYNC_QUEUE} AND singleton_key = ${credentialId} AND state = 'created'`.execute(server.database.db))
      .rows[0]!.n,
  );

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'live-shop', customers: 60, sales: 80, seed: 5 });
  store.webhooks.config.retryBaseMs = 200;
  const port = await findFreePort();
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate, PUBLIC_URL: `http://127.0.0.1:${port}` }, jobs: true, port });
  admin = new HttpSession(server.url);
  await admin.signUp();
  const added = await admin.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: 'live-shop' });
  assert.equal(added.status, 201, added.text);
  credentialId = added.json.credential.id;
  secret = (await server.database.db.selectFrom('credentials').select('webhook_secret').where('id', '=', credentialId).executeTakeFirstOrThrow()).webhook_secret;
  const logger = createLogger('warn');
  await startSyncWorker(server.boss!, createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger }), { concurrency: 2 });
  await startRealtimeWorker(server.boss!, realtimeDeps());
});
after(async () => {
  await server.close();
  await emulator.close();
});

describe('real-time updates', () => {
  test('turning them on registers customer.update and sale.update on the store, once, pointing at Patron', async () => {
    assert.equal((await saveConnection(true)).status, 200);
    const expectedUrl = `${server.url}/webhooks/lightspeed/${secret}`;
    await waitFor('two webhooks', () => store.webhooks.list().length === 2 && (status() as Promise<{ realtime: { state: string } }>).then((s) => s.realtime.state === 'registered'), 15_000);
    assert.deepEqual(store.webhooks.list().map((hook) => [hook.type, hook.url, hook.active]).sort(), [
      ['customer.update', expectedUrl, true],
      ['sale.update', expectedUrl, true],
    ]);
    // Saving again, or a second registration job, never duplicates them.
    assert.equal((await saveConnection(true)).status, 200);
    assert.equal(await reconcileWebhooks(realtimeDeps(), credentialId, server.config.publicUrl ?? null), 'registered');
    assert.equal(store.webhooks.list().length, 2);
    const current = await status();
    assert.deepEqual(current.realtime.eventTypes, ['customer.update', 'sale.update']);
    assert.equal(current.realtime.error, null);
  });

  test('a change in the store reaches Patron within seconds: delivery, queued sync, row written', async () => {
    await waitFor('the backfill', async () => (await status()).state === 'up_to_date', 20_000);
    const started = Date.now();
    const created = store.createCustomer({ first_name: 'Wendy', last_name: 'Webhook', email: 'wendy.webhook@example.test' });
    const row = await waitFor(
      'the new customer row',
      () => server.database.db.selectFrom('source_customers').select(['email']).where('external_id', '=', created.id).executeTakeFirst(),
      10_000,
      20,
    );
    const latency = Date.now() - started;
    console.log(`# webhook → customer row: ${latency} ms`);
    assert.equal(row.email, 'wendy.webhook@example.test');
    assert.ok(latency < 5000, `took ${latency} ms`);
    const delivered = store.webhooks.attempts.filter((attempt) => attempt.type === 'customer.update');
    assert.ok(delivered.length >= 1 && delivered.every((attempt) => attempt.status === 200), JSON.stringify(delivered));
    assert.ok((await status()).realtime.lastDeliveryAt, 'the delivery is visible on the status');
    const sale = store.createSale({ customerId: created.id });
    await waitFor('the new sale row', () => server.database.db.selectFrom('sales').select('id').where('external_id', '=', sale.id).executeTakeFirst(), 30_000, 20);
    // Personal data from deliveries, and the URL secret, never reach the log.
    const log = server.logs.join('');
    assert.ok(!log.includes('wendy.webhook@example.test'), 'no payload data in the log');
    assert.ok(!log.includes(secret), 'no webhook secret in the log');
  });

  test('intake: unknown secret 404, oversized 413, garbage 400, other store 400, replays queue one job', async () => {
    await server.boss!.offWork(SYNC_QUEUE);
    assert.equal((await deliver(form({ type: 'customer.update' }), `/webhooks/lightspeed/${'ab'.repeat(24)}`)).status, 404);
    assert.equal((await deliver(form({ type: 'customer.update' }), '/webhooks/lightspeed/not-a-secret')).status, 404);
    assert.equal((await deliver(form({ type: 'customer.update', payload: 'x'.repeat(1024 * 1024 + 10) }))).status, 413);
    assert.equal((await deliver('%%%garbage===&&')).status, 400);
    assert.equal((await deliver(form({ type: 'customer.delete', payload: '{}' }))).status, 400, 'not an official event type');
    assert.equal((await deliver(form({ payload: '{"id":"1"}' }))).status, 400, 'no type');
    assert.equal((await deliver(form({ type: 'sale.update', domain_prefix: 'someone-else', payload: '{}' }))).status, 400);
    const json = await fetch(`${server.url}/webhooks/lightspeed/${secret}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"sale.update"}' });
    assert.equal(json.status, 400, 'a JSON body is not a delivery');

    // With the worker off, a sync queued by an earlier step (a delivery, a busy retry) would wait
    // forever: clear the slate so the replay below is the only thing that queues one.
    await sql`DELETE FROM pgboss.job WHERE name = ${SYNC_QUEUE} AND singleton_key = ${credentialId} AND state = 'created'`.execute(server.database.db);
    assert.equal(await queuedSyncJobs(), 0);
    const delivery = form({ type: 'sale.update', domain_prefix: 'live-shop', payload: JSON.stringify({ id: 'x', customer: { email: 'someone@example.test' } }) });
    const first = await deliver(delivery);
    const second = await deliver(delivery);
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.equal(await queuedSyncJobs(), 1, 'the replay coalesced into the waiting sync');
    const irrelevant = await deliver(form({ type: 'product.update', payload: '{}' }));
    assert.equal(irrelevant.status, 200, 'an official type Patron does not mirror is acknowledged and ignored');
    assert.equal(await queuedSyncJobs(), 1);
    await startSyncWorker(server.boss!, createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger: createLogger('silent') }), { concurrency: 1 });
  });

  test('turning them off removes the webhooks from the store', async () => {
    assert.equal((await saveConnection(false)).status, 200);
    await waitFor('no webhooks', () => store.webhooks.list().length === 0, 15_000);
    await waitFor('status removed', async () => (await status()).realtime.state === 'removed', 20_000);
    assert.equal((await server.database.db.selectFrom('webhook_subscriptions').select('event_type').execute()).length, 0);
  });

  test('a registration failure is recorded and shown in the sync status', async () => {
    store.setFaults([{ kind: 'status', status: 403, path: '/api/webhooks', probability: 1 }]);
    assert.equal((await saveConnection(true)).status, 200);
    const failed = await waitFor('a failed registration', async () => {
      const current = await status();
      return current.realtime.state === 'failed' ? current : undefined;
    }, 15_000);
    assert.match(failed.realtime.error, /Could not register the webhooks/);
    store.clearFaults();
  });

  test('removing a credential whose store is unreachable still succeeds, quickly', async () => {
    assert.equal(await reconcileWebhooks(realtimeDeps(), credentialId, server.config.publicUrl ?? null), 'registered');
    assert.equal(store.webhooks.list().length, 2);
    store.setFaults([{ kind: 'reset', path: '/api/webhooks', probability: 1 }]);
    const started = Date.now();
    const removed = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${credentialId}?data=keep`);
    assert.equal(removed.status, 200, removed.text);
    assert.ok(Date.now() - started < 8000);
    const rows = await server.database.db.selectFrom('credentials').select('status').execute();
    assert.deepEqual(rows.map((row) => row.status), ['removed'], 'removed, its synced data kept');
    assert.match(server.logs.join(''), /could not remove the webhooks of a deleted credential/);
    // A later delivery to the stray webhook finds no credential.
    assert.equal((await deliver(form({ type: 'customer.update', payload: '{}' }))).status, 404);
    store.clearFaults();
  });

  test('removing a credential whose store answers removes its webhooks first', async () => {
    const added = await admin.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: 'live-shop' });
    assert.equal(added.status, 201, added.text);
    const id = added.json.credential.id as string;
    for (const hook of store.webhooks.list()) store.webhooks.delete(hook.id);
    await waitFor('two webhooks', () => store.webhooks.list().length === 2, 15_000);
    const removed = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${id}?data=keep`);
    assert.equal(removed.status, 200);
    assert.equal(store.webhooks.list().length, 0);
  });
});
