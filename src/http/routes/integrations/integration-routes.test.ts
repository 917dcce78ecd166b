// Settings > Integrations over the real HTTP stack, against the emulator: the catalog and grid,
// Add Credential with every failure, tokens encrypted and never shown or logged, Update Connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator } from '../../../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../../../test/helpers/test-server.ts';
import { HttpSession } from '../../../../test/helpers/http-session.ts';
import { open } from '../../../secrets/token-cipher.ts';
import { SYNC_QUEUE } from '../../../sync/sync-queue.ts';

let emulator: Emulator;
let server: TestServer;
let admin: HttpSession;
let token: string;

before(async () => {
  emulator = await startEmulator();
  token = emulator.createStore({ domainPrefix: 'corner-shop', name: 'Corner Shop', customers: 20, sales: 10, outlets: 3, registers: 4, seed: 3 }).token;
  emulator.createStore({ domainPrefix: 'second-shop', customers: 5, sales: 5, seed: 4 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  admin = new HttpSession(server.url);
  await admin.signUp();
});
after(async () => {
  await server.close();
  await emulator.close();
});

describe('catalog', () => {
  test('searching lightspeed, x-series or vend finds the Lightspeed X-Series card; nonsense finds nothing', async () => {
    for (const q of ['lightspeed', 'Lightspeed', 'x-series', 'X-Series', 'vend', 'VEND']) {
      const response = await admin.get(`/api/integrations?q=${encodeURIComponent(q)}`);
      assert.deepEqual(response.json.integrations.map((entry: { name: string }) => entry.name), ['Lightspeed X-Series'], q);
    }
    assert.deepEqual((await admin.get('/api/integrations?q=alleaves')).json.integrations, []);
  });

  test('the Integration Grid lists every feature for every integration', async () => {
    const grid = (await admin.get('/api/integrations/grid')).json;
    assert.deepEqual(
      grid.features.map((feature: { label: string }) => feature.label),
      ['Customers', 'Sales with line items', 'Store mapping', 'Favorite store', 'Loyalty points', 'Real-time updates', 'Deletions', 'Write-back to the POS'],
    );
    const lightspeed = grid.integrations.find((entry: { id: string }) => entry.id === 'lightspeed-x');
    assert.equal(typeof lightspeed.features.customers, 'boolean');
    assert.equal(lightspeed.features.writeBack, false, 'Patron does not write to the POS');
  });
});

describe('Add Credential', () => {
  const add = (body: Record<string, unknown>, session = admin) => session.post('/api/connections/lightspeed-x/credentials', body);

  test('each bad input gets its own message and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ token: 'lsxs_pt_not_a_real_token_0000000000', storeAddress: 'corner-shop' }, 'token', /rejected this token/],
      [{ token, storeAddress: 'no-such-shop' }, 'storeAddress', /No Lightspeed store answers/],
      [{ token, storeAddress: 'https://evil.example/corner-shop' }, 'storeAddress', /not a Lightspeed Retail address/],
      [{ token, storeAddress: '' }, 'storeAddress', /Enter your store's domain prefix/],
      [{ token: '', storeAddress: 'corner-shop' }, 'token', /Paste the personal token/],
      [{ token: 'two words', storeAddress: 'corner-shop' }, 'token', /one line with no spaces/],
      // Tokens are minted per store: another store does not know this one.
      [{ token, storeAddress: 'second-shop' }, 'token', /rejected this token/],
      [{ storeAddress: 'corner-shop' }, 'token', /Paste the personal token/],
    ];
    for (const [body, field, message] of cases) {
      const response = await add(body);
      assert.ok([400, 422].includes(response.status), `${JSON.stringify(body)} → ${response.status}`);
      assert.equal(response.json.error.field, field, JSON.stringify(body));
      assert.match(response.json.error.message, message);
      assert.ok(!response.text.includes(token), 'the token is never echoed');
    }
    const stored = await server.database.db.selectFrom('credentials').select('id').execute();
    assert.equal(stored.length, 0);
  });

  test('a good token is checked live, described, stored encrypted and shown masked; the same store cannot be added twice', async () => {
    const response = await add({ token: `  ${token}\n`, storeAddress: 'https://Corner-Shop.retail.lightspeed.app/sell' });
    assert.equal(response.status, 201, response.text);
    const credential = response.json.credential;
    assert.equal(credential.storeName, 'Corner Shop');
    assert.equal(credential.storeAddress, 'corner-shop');
    assert.equal(credential.outletCount, 3);
    assert.equal(credential.registerCount, 4);
    assert.equal(credential.rateLimit, 300 * 4 + 50);
    assert.equal(credential.tokenMasked, `••••${token.slice(-4)}`);
    assert.ok(!response.text.includes(token));

    const row = await server.database.db.selectFrom('credentials').selectAll().executeTakeFirstOrThrow();
    assert.equal(open({ ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag }, server.config.secretKey), token, 'decrypts with the key');
    const dump = await sql<{ dump: string }>`SELECT string_agg(c::text, ' ') AS dump FROM credentials c`.execute(server.database.db);
    assert.ok(!dump.rows[0]!.dump.includes(token), 'no clear-text token anywhere in the row');
    assert.ok(!dump.rows[0]!.dump.includes(Buffer.from(token).toString('hex')), 'nor its hex');

    const again = await add({ token, storeAddress: 'corner-shop' });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'credential_exists');

    const view = await admin.get('/api/connections/lightspeed-x');
    assert.equal(view.json.connection.credentials.length, 1);
    assert.equal(view.json.integration.credentialLabels.storeAddress, 'DomainPrefix');
    assert.ok(!view.text.includes(token));
  });

  test('several stores per connection; tokens replaceable; removal asks keep or purge', async () => {
    const second = emulator.store('second-shop');
    const added = await add({ token: second.token, storeAddress: 'second-shop' });
    assert.equal(added.status, 201);
    const id = added.json.credential.id;

    const otherStoreToken = await admin.request('PUT', `/api/connections/lightspeed-x/credentials/${id}/token`, { token });
    assert.equal(otherStoreToken.status, 422, 'a token of another store is refused');
    const fresh = second.createToken({ name: 'replacement' }).token;
    const replaced = await admin.request('PUT', `/api/connections/lightspeed-x/credentials/${id}/token`, { token: fresh });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.json.credential.tokenMasked, `••••${fresh.slice(-4)}`);

    const noChoice = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${id}`);
    assert.equal(noChoice.status, 400);
    assert.match(noChoice.json.error.message, /keep or purge/);
    const removed = await admin.request('DELETE', `/api/connections/lightspeed-x/credentials/${id}?data=purge`);
    assert.equal(removed.status, 200);
    assert.equal((await admin.get('/api/connections/lightspeed-x')).json.connection.credentials.length, 1);
  });

  test('Update Connection saves the age gate and settings and queues the first sync at once', async () => {
    const invalid = await admin.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: 'yes' });
    assert.equal(invalid.status, 400);
    const badSettings = await admin.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true, settings: { syncIntervalMinutes: 0 } });
    assert.equal(badSettings.status, 400);
    assert.match(badSettings.json.error.message, /at least 1 minute/);

    const response = await admin.request('PUT', '/api/connections/lightspeed-x', {
      ageGateConfirmed: true,
      settings: { historyStartDate: '2025-01-01', excludedCustomerGroupIds: [], emailConsent: 'respect_do_not_email', realtimeUpdates: false, syncIntervalMinutes: 5 },
    });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.json.connection.ageGateConfirmed, true);
    assert.equal(response.json.connection.settings.syncIntervalMinutes, 5);
    assert.equal(response.json.syncQueued.length, 1);
    const jobs = await sql<{ data: { credentialId: string } }>`SELECT data FROM pgboss.job WHERE name = ${SYNC_QUEUE} AND data->>'reason' = 'connected'`.execute(server.database.db);
    assert.deepEqual(jobs.rows.map((row) => row.data.credentialId), response.json.syncQueued);
  });

  test('a member may look but not change; another company sees nothing', async () => {
    await admin.post('/api/users', { name: 'Mo', email: 'mo@corner.test', password: 'member password', role: 'member' });
    const member = new HttpSession(server.url);
    await member.post('/api/auth/sign-in', { email: 'mo@corner.test', password: 'member password' });
    assert.equal((await member.get('/api/connections/lightspeed-x')).json.connection.credentials.length, 1);
    assert.equal((await add({ token, storeAddress: 'corner-shop' }, member)).status, 403);

    const stranger = new HttpSession(server.url);
    await stranger.signUp();
    const view = await stranger.get('/api/connections/lightspeed-x');
    assert.equal(view.json.connection.credentials.length, 0);
    const theirId = (await admin.get('/api/connections/lightspeed-x')).json.connection.credentials[0].id;
    assert.equal((await stranger.request('DELETE', `/api/connections/lightspeed-x/credentials/${theirId}?data=keep`)).status, 404);
    assert.equal((await stranger.request('PUT', `/api/connections/lightspeed-x/credentials/${theirId}/token`, { token })).status, 404);
    assert.equal((await admin.get('/api/connections/lightspeed-x')).json.connection.credentials.length, 1, 'still there');
  });

  test('no log line of the whole flow contains the token', () => {
    assert.ok(server.logs.length > 10);
    for (const line of server.logs) assert.ok(!line.includes(token), `token leaked into a log line: ${line.slice(0, 200)}`);
  });
});
