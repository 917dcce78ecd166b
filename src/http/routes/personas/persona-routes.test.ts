// The Personas API over real HTTP: list, search, filters, sort, keyset paging, CSV, detail, isolation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator, type Store } from '../../../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../../../test/helpers/test-server.ts';
import { HttpSession } from '../../../../test/helpers/http-session.ts';
import { connectStore } from '../../../../test/helpers/connected-store.ts';
import { createLogger } from '../../../logger.ts';
import { runCredentialSync } from '../../../sync/sync-runner.ts';
import { createSyncDeps } from '../../../sync/sync-deps.ts';

let emulator: Emulator;
let store: Store;
let server: TestServer;
let session: HttpSession;
let syncOnce: () => Promise<void>;

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'list-shop', customers: 120, sales: 200, seed: 41 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate } });
  session = new HttpSession(server.url);
  const account = await session.signUp();
  store.createCustomer({ first_name: 'Zelda', last_name: 'Findme', email: 'zelda.findme@example.test', phone: '(555) 987-6543' });
  const connected = await connectStore(server.database.db, emulator, 'list-shop', { companyId: account.company.id, secretKey: server.config.secretKey });
  const deps = createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  syncOnce = async () => {
    const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded');
  };
  await syncOnce();
});
after(async () => {
  await server.close();
  await emulator.close();
});

test('the list shows personas with "lightspeed" under Sourced from, a total, and keyset pages that cover everything once', async () => {
  const first = await session.get('/api/personas?limit=25');
  assert.equal(first.status, 200);
  const total = first.json.total;
  assert.ok(total > 50);
  assert.equal(first.json.totalIsLowerBound, false, 'the unfiltered total is exact');
  assert.ok(first.json.personas.every((persona: { sourcedFrom: string[] }) => persona.sourcedFrom.includes('lightspeed')));
  const seen = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { json: { personas: Array<{ id: string; lastVisitAt: string | null }>; nextCursor: string | null } } = await session.get(`/api/personas?limit=25${cursor ? `&cursor=${cursor}` : ''}`);
    for (const persona of page.json.personas) {
      assert.ok(!seen.has(persona.id), 'no persona twice');
      seen.add(persona.id);
    }
    const dates = page.json.personas.map((p) => p.lastVisitAt);
    const sortedDates = [...dates].sort((a, b) => (a === null ? 1 : b === null ? -1 : b.localeCompare(a)));
    assert.deepEqual(dates, sortedDates, 'most recent visit first, never-visited last');
    cursor = page.json.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  assert.equal(seen.size, total);
});

test('search by part of a name, an email or a phone number in any format', async () => {
  for (const q of ['findme', 'Zelda F', 'zelda.findme@', '987-6543', '(555) 987', '5559876543']) {
    const response = await session.get(`/api/personas?q=${encodeURIComponent(q)}`);
    assert.deepEqual(response.json.personas.map((p: { name: string }) => p.name), ['Zelda Findme'], q);
  }
  assert.equal((await session.get('/api/personas?q=%25')).json.total, 0, 'a % is matched literally, not as a wildcard');
  assert.deepEqual((await session.get('/api/personas?q=%20findme%20')).json.personas.map((p: { name: string }) => p.name), ['Zelda Findme'], 'spaces around a search are dropped');
  for (const q of ['Zelda\nFindme', 'zelda\tfindme', 'zel\u0007da']) {
    const refused = await session.get(`/api/personas?q=${encodeURIComponent(q)}`);
    assert.equal(refused.status, 400, JSON.stringify(q));
    assert.match(refused.json.error.message, /Searches cannot contain control characters/);
  }
});

test('sorts by name and by spend; filters validate', async () => {
  const byName = (await session.get('/api/personas?sort=name&limit=200')).json.personas.map((p: { name: string }) => p.name);
  assert.deepEqual(byName, [...byName].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)));
  const bySpend = (await session.get('/api/personas?sort=lifetime_spend&limit=200')).json.personas.map((p: { lifetimeSpend: string }) => Number(p.lifetimeSpend));
  assert.deepEqual(bySpend, [...bySpend].sort((a, b) => b - a));
  const bad = await session.get('/api/personas?sort=shoe_size');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /sort must be one of/);
  assert.equal((await session.get('/api/personas?sourcedFrom=lightspeed')).json.total, (await session.get('/api/personas')).json.total);
  assert.equal((await session.get('/api/personas?sourcedFrom=shopify')).json.total, 0);
  assert.equal((await session.get('/api/personas?loyalty=enrolled')).json.total, (await session.get('/api/personas')).json.total, 'the age gate was confirmed');
});

test('the persona page: profile, sources and sales', async () => {
  const found = (await session.get('/api/personas?q=findme')).json.personas[0];
  const zelda = store.snapshot('customers').find((c) => c.email === 'zelda.findme@example.test')!;
  store.createSale({ customerId: String(zelda.id) });
  await syncOnce();
  const detail = await session.get(`/api/personas/${found.id}`);
  assert.equal(detail.status, 200);
  const persona = detail.json.persona;
  assert.equal(persona.email, 'zelda.findme@example.test');
  assert.equal(persona.phone, '+15559876543');
  assert.deepEqual(persona.sources.map((s: { integration: string; storeAddress: string }) => [s.integration, s.storeAddress]), [['lightspeed', 'list-shop']]);
  assert.equal(persona.sales.length, 1);
  assert.equal(persona.visits, 1);
  assert.equal((await session.get('/api/personas/00000000-0000-0000-0000-000000000000')).status, 404);
  assert.equal((await session.get('/api/personas/not-a-uuid')).status, 404);
});

test('CSV export of the current filter, safe for spreadsheets', async () => {
  const response = await fetch(`${server.url}/api/personas/export.csv?q=findme`, { headers: { cookie: (session as unknown as { cookie: string }).cookie } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
  const lines = (await response.text()).trim().split('\r\n');
  assert.equal(lines[0], 'Name,Email,Phone,Favorite store,Points,Lifetime spend,Visits,Last visit,Sourced from');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^Zelda Findme,zelda\.findme@example\.test,'\+15559876543,/, 'a leading + is neutralised');
});

test('another company sees none of these personas', async () => {
  const other = new HttpSession(server.url);
  await other.signUp();
  assert.equal((await other.get('/api/personas')).json.total, 0);
  const someone = (await session.get('/api/personas?limit=1')).json.personas[0];
  assert.equal((await other.get(`/api/personas/${someone.id}`)).status, 404);
});
