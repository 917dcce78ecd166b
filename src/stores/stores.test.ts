// Retail stores, Store Mappings, favorite stores and the unmapped-stores notification, against the
// emulator over real HTTP and a real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/test-server.ts';
import { HttpSession } from '../../test/helpers/http-session.ts';
import { connectStoreWithSync } from '../../test/helpers/connected-store.ts';
import { runFavoriteStoreRefresh } from './favorite-store-refresh.ts';

let emulator: Emulator;
let shop: Store;
let server: TestServer;
let admin: HttpSession;
let sync: () => Promise<void>;
let credentialId: string;
let companyId: string;

const registerAt = (outletName: string) => {
  const outlet = shop.snapshot('outlets').find((o) => o.name === outletName)!;
  return String(shop.snapshot('registers').find((r) => r.outlet_id === outlet.id)!.id);
};

before(async () => {
  emulator = await startEmulator();
  shop = emulator.createStore({ domainPrefix: 'chain-shop', customers: 60, sales: 150, outlets: 3, registers: 3, seed: 51 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate } });
  admin = new HttpSession(server.url);
  const account = await admin.signUp();
  companyId = account.company.id;
  ({ credentialId, sync } = await connectStoreWithSync(server, emulator, 'chain-shop', companyId));
  await sync();
});
after(async () => {
  await server.close();
  await emulator.close();
});

const notifications = async () => (await admin.get('/api/notifications')).json.notifications as Array<{ kind: string; title: string; body: string; link: string }>;
const locationId = async (name: string) =>
  (await server.database.db.selectFrom('source_locations').select('id').where('credential_id', '=', credentialId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const favoriteOf = async (email: string) => {
  const persona = await server.database.db.selectFrom('personas').select(['favorite_store_id']).where('email', '=', email).where('archived_at', 'is', null).executeTakeFirstOrThrow();
  return persona.favorite_store_id;
};
const createStore = async (name: string) => {
  const response = await admin.post('/api/retail-stores', { name, timeZone: 'America/Los_Angeles', address: { city: 'Portland' } });
  assert.equal(response.status, 201, response.text);
  return response.json.store.id as string;
};
const saveMappings = (storeId: string, locationIds: string[]) => admin.request('PUT', `/api/retail-stores/${storeId}/mappings`, { locationIds });
/** The favorite-store job, run here directly (this server has no job queue). */
const runFavoriteStoreJob = () => runFavoriteStoreRefresh(server.database.db, companyId);

test('after the first sync the retailer is told about unmapped stores, by name', async () => {
  const open = await notifications();
  const unmapped = open.find((n) => n.kind === 'unmapped_stores');
  assert.ok(unmapped, JSON.stringify(open));
  assert.equal(unmapped.title, 'You have 3 unmapped stores');
  for (const name of ['Portland', 'Seattle', 'Denver']) assert.match(unmapped.body, new RegExp(name));
  assert.equal(unmapped.link, '/settings/company/retail-store');
});

test('retail store validation says what to fix', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ timeZone: 'UTC' }, 'name'],
    [{ name: '', timeZone: 'UTC' }, 'name'],
    [{ name: 'x'.repeat(121), timeZone: 'UTC' }, 'name'],
    [{ name: 'Ok' }, 'timeZone'],
    [{ name: 'Ok', timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ name: 'Ok', timeZone: 'UTC', address: { city: 42 } }, 'address.city'],
  ];
  for (const [body, field] of cases) {
    const response = await admin.post('/api/retail-stores', body);
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(response.json.error.field, field);
  }
  await createStore('Dup Store');
  const dup = await admin.post('/api/retail-stores', { name: 'dup store', timeZone: 'UTC' });
  assert.equal(dup.status, 409);
});

test('mapping every outlet with data resolves the notification and gives favorites; ties go to the latest visit', async () => {
  const buyer = shop.createCustomer({ first_name: 'Tia', last_name: 'Tie', email: 'tia.tie@example.test' });
  shop.createSale({ customerId: buyer.id, registerId: registerAt('Portland') });
  shop.createSale({ customerId: buyer.id, registerId: registerAt('Portland') });
  shop.createSale({ customerId: buyer.id, registerId: registerAt('Seattle') });
  shop.advanceClock(60_000);
  shop.createSale({ customerId: buyer.id, registerId: registerAt('Seattle') });
  // Three visits at Denver, which will stay unmapped: they must not count.
  for (let i = 0; i < 3; i++) shop.createSale({ customerId: buyer.id, registerId: registerAt('Denver') });
  await sync();

  const portland = await createStore('Portland Store');
  const seattle = await createStore('Seattle Store');
  const edit = await admin.get(`/api/retail-stores/${portland}`);
  assert.equal(edit.json.mappings.length, 1, 'one row per connected credential');
  assert.deepEqual(edit.json.mappings[0].keys.map((k: { name: string }) => k.name).sort(), ['Denver', 'Portland', 'Seattle']);
  assert.equal((await saveMappings(portland, [await locationId('Portland')])).status, 200);
  assert.equal((await saveMappings(seattle, [await locationId('Seattle')])).status, 200);
  await runFavoriteStoreJob();
  assert.equal(await favoriteOf('tia.tie@example.test'), seattle, '2–2 tie at mapped stores: the most recent wins; Denver is ignored');
  assert.match((await notifications()).find((n) => n.kind === 'unmapped_stores')!.title, /You have 1 unmapped store$/);

  const denver = await createStore('Denver Store');
  await saveMappings(denver, [await locationId('Denver')]);
  await runFavoriteStoreJob();
  assert.equal(await favoriteOf('tia.tie@example.test'), denver, 'now Denver counts, with three visits');
  assert.equal((await notifications()).filter((n) => n.kind === 'unmapped_stores').length, 0, 'resolved');
  const keys = (await admin.get(`/api/retail-stores/${portland}`)).json.mappings[0].keys;
  assert.equal(keys.find((k: { name: string }) => k.name === 'Seattle').mappedTo.name, 'Seattle Store', 'keys mapped elsewhere are marked');
});

test('remapping an outlet to another store moves the favorite of exactly the affected personas', async () => {
  const stores = (await admin.get('/api/retail-stores')).json.stores as Array<{ id: string; name: string }>;
  const portland = stores.find((s) => s.name === 'Portland Store')!.id;
  const seattle = stores.find((s) => s.name === 'Seattle Store')!.id;
  const before = new Map((await server.database.db.selectFrom('personas').select(['id', 'favorite_store_id']).execute()).map((p) => [p.id, p.favorite_store_id]));
  const result = await saveMappings(seattle, [await locationId('Seattle'), await locationId('Portland')]);
  assert.equal(result.status, 200);
  assert.equal(result.json.changedLocations, 1);
  assert.deepEqual(result.json.favoriteStores, { state: 'queued' });
  const job = await runFavoriteStoreJob();
  assert.ok(job.finished && job.personasRefreshed > 0, JSON.stringify(job));
  const shoppedAtPortland = new Set(
    (
      await sql<{ persona_id: string }>`
        SELECT DISTINCT sc.persona_id FROM sales s
        JOIN source_customers sc ON sc.credential_id = s.credential_id AND sc.external_id = s.customer_external_id
        JOIN source_locations l ON l.credential_id = s.credential_id AND l.external_id = s.location_external_id
        WHERE l.name = 'Portland' AND l.credential_id = ${credentialId}`.execute(server.database.db)
    ).rows.map((row) => row.persona_id),
  );
  const after = await server.database.db.selectFrom('personas').select(['id', 'favorite_store_id']).execute();
  let moved = 0;
  for (const persona of after) {
    const old = before.get(persona.id);
    if (old === portland) {
      assert.notEqual(persona.favorite_store_id, portland, 'nobody keeps a store with no outlet');
      moved++;
    }
    if (old !== persona.favorite_store_id) assert.ok(shoppedAtPortland.has(persona.id), 'only personas who shopped at the moved outlet change');
  }
  assert.ok(moved > 0, 'some personas had Portland as favorite');
  const list = (await admin.get('/api/retail-stores')).json.stores as Array<{ name: string; figures: { favoritePersonas: number; salesLast30Days: number } }>;
  assert.equal(list.find((s) => s.name === 'Portland Store')!.figures.favoritePersonas, 0);
  assert.ok(list.find((s) => s.name === 'Seattle Store')!.figures.favoritePersonas > 0);
  const filtered = await admin.get(`/api/personas?favoriteStoreId=${seattle}`);
  assert.equal(filtered.json.total, list.find((s) => s.name === 'Seattle Store')!.figures.favoritePersonas, 'the Personas filter agrees');
});

test('a new outlet raises the notification again after the next sync; one click creates its store', async () => {
  const outlet = shop.addOutlet({ name: 'Boise' });
  const register = shop.addRegister({ outletId: String(outlet.id) });
  shop.createSale({ customerId: shop.walkInCustomerId, registerId: String(register.id) });
  await sync();
  const unmapped = (await notifications()).find((n) => n.kind === 'unmapped_stores');
  assert.ok(unmapped);
  assert.match(unmapped.body, /Boise/);
  const created = await admin.post('/api/retail-stores/from-locations');
  assert.equal(created.json.created, 1);
  assert.deepEqual(created.json.favoriteStores, { state: 'queued' }, 'its customers get it as favorite through the job');
  assert.equal((await notifications()).filter((n) => n.kind === 'unmapped_stores').length, 0);
});

test('another company cannot see or map these stores and keys', async () => {
  const other = new HttpSession(server.url);
  await other.signUp();
  assert.deepEqual((await other.get('/api/retail-stores')).json.stores, []);
  assert.deepEqual((await other.get('/api/retail-stores/options')).json.stores, []);
  const theirs = await other.post('/api/retail-stores', { name: 'Mine', timeZone: 'UTC' });
  assert.deepEqual((await other.get('/api/retail-stores/options')).json.stores, [{ id: theirs.json.store.id, name: 'Mine', active: true }]);
  // The filter choices are the same stores as the full list, names only.
  const full = (await admin.get('/api/retail-stores')).json.stores as Array<{ id: string; name: string; active: boolean }>;
  const options = (await admin.get('/api/retail-stores/options')).json.stores as Array<{ id: string; name: string; active: boolean }>;
  assert.deepEqual(options, full.map(({ id, name, active }) => ({ id, name, active })));
  const stolen = await other.request('PUT', `/api/retail-stores/${theirs.json.store.id}/mappings`, { locationIds: [await locationId('Seattle')] });
  assert.equal(stolen.status, 400);
  const store = (await admin.get('/api/retail-stores')).json.stores[0];
  assert.equal((await other.get(`/api/retail-stores/${store.id}`)).status, 404);
  assert.equal((await other.request('PUT', `/api/retail-stores/${store.id}/mappings`, { locationIds: [] })).status, 404);
});
