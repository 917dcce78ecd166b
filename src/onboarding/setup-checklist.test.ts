import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/test-server.ts';
import { HttpSession } from '../../test/helpers/http-session.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';

let emulator: Emulator;
let server: TestServer;

before(async () => {
  emulator = await startEmulator();
  emulator.createStore({ domainPrefix: 'guide-shop', customers: 10, sales: 20, outlets: 1, registers: 1, seed: 81 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate } });
});
after(async () => {
  await server.close();
  await emulator.close();
});

test('the checklist follows the retailer from sign-up to a finished setup', async () => {
  const admin = new HttpSession(server.url);
  const companyId = (await admin.signUp()).company.id;
  const done = async () => Object.fromEntries(((await admin.get('/api/onboarding')).json.steps as Array<{ id: string; done: boolean }>).map((step) => [step.id, step.done]));
  assert.deepEqual(await done(), { connect: false, age_gate: false, first_sync: false, map_stores: false, loyalty: false });

  const connected = await connectStore(server.database.db, emulator, 'guide-shop', { companyId, secretKey: server.config.secretKey });
  assert.deepEqual(await done(), { connect: true, age_gate: true, first_sync: false, map_stores: false, loyalty: false });
  await runCredentialSync(createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: connected.connectors, logger: createLogger('silent') }), connected.credentialId, { reason: 'test' });
  const steps = (await admin.get('/api/onboarding')).json.steps as Array<{ id: string; detail: string }>;
  assert.match(steps.find((step) => step.id === 'map_stores')!.detail, /1 store with sales still to map/);

  await admin.post('/api/retail-stores/from-locations');
  await admin.request('PUT', '/api/loyalty/program', (await admin.get('/api/loyalty/program')).json.program);
  assert.deepEqual(await done(), { connect: true, age_gate: true, first_sync: true, map_stores: true, loyalty: true });
  assert.equal((await admin.get('/api/onboarding')).json.complete, true);
});
