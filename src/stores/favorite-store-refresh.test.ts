// Favorite stores recomputed by the job after a store change, off the request path: over real HTTP,
// a real PostgreSQL and pg-boss, with the job run directly or by an in-process worker. "Right" means:
// recomputing every persona's favorite from scratch afterwards changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/test-server.ts';
import { HttpSession } from '../../test/helpers/http-session.ts';
import { connectStoreWithSync } from '../../test/helpers/connected-store.ts';
import { failFavoriteStoreChunk } from '../../test/helpers/failing-chunk.ts';
import { createLogger } from '../logger.ts';
import { refreshFavoriteStores } from './favorite-store.ts';
import { runFavoriteStoreRefresh } from './favorite-store-refresh.ts';
import { FAVORITE_STORE_QUEUE, startFavoriteStoreWorker } from './favorite-store-queue.ts';

let emulator: Emulator;
let shop: Store;
let server: TestServer;
let admin: HttpSession;
let companyId: string;
let credentialId: string;
let sync: () => Promise<void>;
const stores = new Map<string, string>();

before(async () => {
  emulator = await startEmulator();
  shop = emulator.createStore({ domainPrefix: 'refresh-shop', customers: 80, sales: 240, outlets: 3, registers: 3, seed: 61 });
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  admin = new HttpSession(server.url);
  companyId = (await admin.signUp()).company.id;
  ({ credentialId, sync } = await connectStoreWithSync(server, emulator, 'refresh-shop', companyId));
  await sync();
  for (const name of ['Portland', 'Seattle', 'Denver']) {
    const created = await admin.post('/api/retail-stores', { name: `${name} Store`, timeZone: 'America/Denver' });
    assert.equal(created.status, 201, created.text);
    stores.set(name, created.json.store.id);
  }
});
after(async () => {
  await server.close();
  await emulator.close();
});

const db = () => server.database.db;
const storeId = (outlet: string) => stores.get(outlet)!;
const locationId = async (name: string) =>
  (await db().selectFrom('source_locations').select('id').where('credential_id', '=', credentialId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const saveMappings = async (outlet: string, outlets: string[]) => {
  const response = await admin.request('PUT', `/api/retail-stores/${storeId(outlet)}/mappings`, { locationIds: await Promise.all(outlets.map(locationId)) });
  assert.equal(response.status, 200, response.text);
  return response.json as { changedLocations: number; favoriteStores: { state: string; personasDone?: number; personasTotal?: number } };
};
const refreshStatus = async () => (await admin.get('/api/retail-stores/favorite-store-refresh')).json.favoriteStores;
const favorites = async () =>
  new Map((await db().selectFrom('personas').select(['id', 'favorite_store_id']).where('company_id', '=', companyId).execute()).map((row) => [row.id, row.favorite_store_id]));

async function waitUntilIdle(): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    if ((await refreshStatus()).state === 'idle') return;
    assert.ok(waited < 60_000, `favorite stores still ${JSON.stringify(await refreshStatus())} after a minute`);
    await sleep(200);
  }
}

/** Every favorite is what a recomputation from scratch gives, and some persona has one. */
async function assertFavoritesFromScratch(): Promise<Map<string, string | null>> {
  const left = await favorites();
  await refreshFavoriteStores(db(), [...left.keys()]);
  assert.deepEqual(await favorites(), left, 'the job left a favorite that a recomputation from scratch changes');
  assert.ok([...left.values()].some((favorite) => favorite !== null), 'some persona has a favorite store');
  return left;
}

test('Save settings answers at once and leaves the favorites to the job, which makes them right', async () => {
  const before = await favorites();
  const saved = await saveMappings('Portland', ['Portland']);
  assert.equal(saved.changedLocations, 1);
  assert.deepEqual(saved.favoriteStores, { state: 'queued' }, 'the answer says the recomputation is queued');
  assert.deepEqual(await favorites(), before, 'no favorite changed inside the request');
  assert.deepEqual(await refreshStatus(), { state: 'queued' });

  const job = await runFavoriteStoreRefresh(db(), companyId);
  assert.equal(job.finished, true);
  assert.ok(job.personasRefreshed > 0, JSON.stringify(job));
  assert.deepEqual(await refreshStatus(), { state: 'idle' });
  const after = await assertFavoritesFromScratch();
  assert.ok([...after.values()].includes(storeId('Portland')));
  const list = (await admin.get('/api/retail-stores')).json;
  assert.deepEqual(list.favoriteStores, { state: 'idle' });
  const portland = list.stores.find((store: { id: string }) => store.id === storeId('Portland'));
  assert.equal(portland.figures.favoritePersonas, [...after.values()].filter((favorite) => favorite === storeId('Portland')).length);
  assert.ok(portland.figures.salesLast30Days >= 0 && portland.figures.lastSaleAt, JSON.stringify(portland.figures));
});

test('progress shows through the API, and a job stopped by a failing chunk resumes where it stopped', async () => {
  await saveMappings('Seattle', ['Seattle']);
  await failFavoriteStoreChunk(db(), 2);
  await assert.rejects(runFavoriteStoreRefresh(db(), companyId, { chunkSize: 5 }), /chunk 2 fails once/);
  const stopped = await refreshStatus();
  assert.equal(stopped.state, 'running');
  assert.equal(stopped.personasDone, 5, 'the first chunk is kept; the failed one is not counted');
  assert.ok(stopped.personasTotal > 10, JSON.stringify(stopped));
  assert.deepEqual((await admin.get('/api/retail-stores')).json.favoriteStores, stopped, 'the store list says the same');
  assert.deepEqual((await admin.get(`/api/retail-stores/${storeId('Seattle')}`)).json.favoriteStores, stopped, 'and so does the store');

  const resumed = await runFavoriteStoreRefresh(db(), companyId, { chunkSize: 5 });
  assert.deepEqual(resumed, { finished: true, personasRefreshed: stopped.personasTotal - 5 }, 'only what was left is done');
  assert.deepEqual(await refreshStatus(), { state: 'idle' });
  await assertFavoritesFromScratch();
});

test('the worker runs the queued job; a job whose chunk fails is retried by the queue and ends right', async () => {
  await startFavoriteStoreWorker(server.boss!, db(), createLogger('silent'));
  await failFavoriteStoreChunk(db(), 1);
  await saveMappings('Denver', ['Denver']);
  await waitUntilIdle();
  // The failed attempt may be retried after another job of the company has already done the rest.
  for (let waited = 0; ; waited += 200) {
    const retried = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${FAVORITE_STORE_QUEUE} AND state = 'completed' AND retry_count > 0`.execute(db());
    if (retried.rows[0]!.n > 0) break;
    assert.ok(waited < 30_000, 'the failed attempt was retried to completion');
    await sleep(200);
  }
  const after = await assertFavoritesFromScratch();
  assert.ok([...after.values()].includes(storeId('Denver')));
});

test('two saves in a row end with the favorites of the last one', async () => {
  const before = await assertFavoritesFromScratch();
  // Seattle Store takes Portland's outlet, and Save settings on Portland Store takes it straight back.
  assert.equal((await saveMappings('Seattle', ['Seattle', 'Portland'])).changedLocations, 1);
  assert.equal((await saveMappings('Portland', ['Portland'])).changedLocations, 1);
  await waitUntilIdle();
  assert.deepEqual(await assertFavoritesFromScratch(), before, 'the mappings are as before, and so are the favorites');

  await saveMappings('Seattle', ['Seattle', 'Portland']);
  await saveMappings('Denver', ['Denver', 'Seattle']);
  await waitUntilIdle();
  const moved = await assertFavoritesFromScratch();
  assert.ok(![...moved.values()].includes(storeId('Portland')), 'Portland Store has no outlet left, so it is nobody’s favorite');
  await saveMappings('Portland', ['Portland']);
  await saveMappings('Seattle', ['Seattle']);
  await waitUntilIdle();
  assert.deepEqual(await assertFavoritesFromScratch(), before);
});

test('deactivating a store during a sync that brings new sales ends with the right favorites', async () => {
  const outlets = shop.snapshot('outlets');
  const registers = shop.snapshot('registers');
  const customers = shop.snapshot('customers').slice(0, 40);
  for (const [i, customer] of customers.entries()) {
    const outlet = outlets[i % outlets.length]!;
    const register = registers.find((r) => r.outlet_id === outlet.id)!;
    for (let visit = 0; visit <= i % 3; visit++) shop.createSale({ customerId: String(customer.id), registerId: String(register.id) });
  }
  const store = (await admin.get(`/api/retail-stores/${storeId('Seattle')}`)).json.store;
  const [deactivated] = await Promise.all([
    admin.request('PUT', `/api/retail-stores/${storeId('Seattle')}`, { name: store.name, timeZone: store.timeZone, address: store.address, active: false }),
    sync(),
  ]);
  assert.equal(deactivated.status, 200, deactivated.text);
  assert.notEqual(deactivated.json.favoriteStores.state, 'idle', 'the answer says favorites are being recomputed');
  await waitUntilIdle();
  const after = await assertFavoritesFromScratch();
  assert.ok(![...after.values()].includes(storeId('Seattle')), 'an inactive store is nobody’s favorite');
});
