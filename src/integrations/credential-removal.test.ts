// Removing a store from the connection: keep its synced data (and get it back by adding the store
// again), or purge it (personas re-derived, points from its sales gone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/test-server.ts';
import { HttpSession } from '../../test/helpers/http-session.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import type { Connectors } from './connectors.ts';

let emulator: Emulator;
let server: TestServer;
let admin: HttpSession;
let companyId: string;
let connectors: Connectors;

before(async () => {
  emulator = await startEmulator();
  emulator.createStore({ domainPrefix: 'keep-shop', customers: 30, sales: 60, seed: 71 });
  emulator.createStore({ domainPrefix: 'purge-shop', customers: 30, sales: 60, seed: 72 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate } });
  admin = new HttpSession(server.url);
  companyId = (await admin.signUp()).company.id;
});
after(async () => {
  await server.close();
  await emulator.close();
});

async function connectAndSync(prefix: string): Promise<string> {
  const connected = await connectStore(server.database.db, emulator, prefix, { companyId, secretKey: server.config.secretKey });
  connectors = connected.connectors;
  const result = await runCredentialSync(createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors, logger: createLogger('silent') }), connected.credentialId, { reason: 'test' });
  assert.equal(result.outcome, 'succeeded');
  return connected.credentialId;
}
const count = async (table: string, credentialId: string) =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE credential_id = ${credentialId}`.execute(server.database.db)).rows[0]!.n);

test('remove and keep: the store leaves the page, its data and points stay, and adding it again carries on', async () => {
  const credentialId = await connectAndSync('keep-shop');
  const customers = await count('source_customers', credentialId);
  const personasBefore = (await admin.get('/api/personas')).json.total;
  const points = await sql<{ total: string }>`SELECT coalesce(sum(points), 0)::text AS total FROM loyalty_ledger`.execute(server.database.db);
  const removed = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${credentialId}?data=keep`);
  assert.equal(removed.status, 200, removed.text);
  assert.equal((await admin.get('/api/connections/lightspeed-x')).json.connection.credentials.length, 0);
  assert.equal(await count('source_customers', credentialId), customers, 'synced customers kept');
  assert.equal((await admin.get('/api/personas')).json.total, personasBefore, 'personas kept');
  const pointsAfter = await sql<{ total: string }>`SELECT coalesce(sum(points), 0)::text AS total FROM loyalty_ledger`.execute(server.database.db);
  assert.equal(pointsAfter.rows[0]!.total, points.rows[0]!.total, 'points kept');
  const row = await server.database.db.selectFrom('credentials').select(['status', 'token_last4']).where('id', '=', credentialId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'removed', token_last4: '' }, 'the token is wiped');
  assert.equal((await runCredentialSync(createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors, logger: createLogger('silent') }), credentialId, { reason: 'test' })).outcome, 'skipped');

  const again = await admin.post('/api/connections/lightspeed-x/credentials', { token: emulator.store('keep-shop').token, storeAddress: 'keep-shop' });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.credential.id, credentialId, 'the same credential comes back, with its history');
});

test('remove and purge: what came from the store is deleted, its personas archived, its points gone', async () => {
  const credentialId = await connectAndSync('purge-shop');
  const linked = await server.database.db.selectFrom('source_customers').select('persona_id').where('credential_id', '=', credentialId).where('persona_id', 'is not', null).execute();
  assert.ok(linked.length > 0);
  const purged = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${credentialId}?data=purge`);
  assert.equal(purged.status, 200, purged.text);
  assert.ok(purged.json.personasAffected > 0);
  for (const table of ['source_customers', 'sales', 'source_locations', 'sync_cursors']) assert.equal(await count(table, credentialId), 0, table);
  const personas = await server.database.db.selectFrom('personas').select(['archived_at', 'points_balance', 'visits']).where('id', 'in', linked.map((row) => row.persona_id!)).execute();
  for (const persona of personas) {
    assert.ok(persona.archived_at, 'a persona fed only by the purged store is archived');
    assert.equal(Number(persona.points_balance), 0);
    assert.equal(persona.visits, 0);
  }
  const stranger = new HttpSession(server.url);
  await stranger.signUp();
  const keepId = (await admin.get('/api/connections/lightspeed-x')).json.connection.credentials[0].id;
  assert.equal((await stranger.request('DELETE', `/api/connections/lightspeed-x/credentials/${keepId}?data=purge`)).status, 404, 'only the owner can remove');
});
