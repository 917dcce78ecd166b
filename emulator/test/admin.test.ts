/** Admin HTTP API, request log/counters, live trading, search, and the 1M/5M lazy design. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import { call, waitFor } from './helpers.ts';

const admin = async (emu: Emulator, path: string, method = 'GET', body?: unknown) => {
  const r = await fetch(`${emu.url}/_admin${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
};

describe('admin API, request log, search, scale', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('creates a store over HTTP and drives live changes', async () => {
    const created = await admin(emu, '/stores', 'POST', { domainPrefix: 'adm', customers: 10, sales: 10, seed: 1 });
    assert.equal(created.status, 201);
    assert.match(created.json.token, /^lsxs_pt_/);
    const store = emu.store('adm');
    const c = await admin(emu, '/stores/adm/customers', 'POST', { first_name: 'Ad', last_name: 'Min', email: 'ad@min.test' });
    assert.equal(c.status, 201);
    const id = c.json.data.id;
    assert.equal((await admin(emu, `/stores/adm/customers/${id}`, 'PUT', { note: 'vip' })).json.data.note, 'vip');
    const sale = await admin(emu, '/stores/adm/sales', 'POST', { customerId: id, status: 'LAYBY' });
    assert.equal(sale.json.data.status, 'LAYBY');
    assert.equal((await admin(emu, `/stores/adm/sales/${sale.json.data.id}/close`, 'POST')).json.data.status, 'LAYBY_CLOSED');
    assert.equal((await admin(emu, `/stores/adm/sales/${sale.json.data.id}/void`, 'POST')).json.data.status, 'VOIDED');
    const dup = await admin(emu, '/stores/adm/customers', 'POST', { first_name: 'Ad', last_name: 'Min' });
    const merged = await admin(emu, '/stores/adm/customers/merge', 'POST', { keep_id: id, duplicate_id: dup.json.data.id });
    assert.ok(merged.json.duplicate.deleted_at);
    assert.equal((await admin(emu, `/stores/adm/customers/${dup.json.data.id}`, 'DELETE')).status, 404, 'already deleted');
    const reg = await admin(emu, '/stores/adm/registers', 'POST', {});
    assert.equal(reg.status, 201);
    assert.equal((await call(emu, store, '/api/2.0/retailer')).headers.get('x-ratelimit-limit'), String(300 * 3 + 50));
    assert.equal((await admin(emu, '/stores/adm/outlets', 'POST', { name: 'Pop-up' })).json.data.name, 'Pop-up');
    const before = store.clock.now();
    await admin(emu, '/stores/adm/clock', 'POST', { advance_days: 2 });
    assert.ok(store.clock.now() - before >= 2 * 86_400_000);
    const snap = await admin(emu, '/stores/adm/snapshot/customers?deleted=false');
    assert.equal(snap.json.data.length, store.snapshot('customers', { includeDeleted: false }).length);
  });

  it('request log counts exactly, filters by path, and resets', async () => {
    const s = emu.createStore({ domainPrefix: 'counted', customers: 25, sales: 0, seed: 2 });
    emu.requestLog.reset('counted');
    for (let after = 0, n = 0; n < 10; n++) {
      const r = await call(emu, s, `/api/2.0/customers?page_size=10&after=${after}`);
      if (r.json.data.length === 0) break;
      after = r.json.version.max;
    }
    await call(emu, s, '/api/2.0/retailer');
    assert.equal(emu.countRequests({ store: 'counted', path: '/api/2.0/customers' }), 4);
    assert.equal(emu.countRequests({ store: 'counted' }), 5);
    const entries = emu.requestLog.entries({ store: 'counted', path: '/customers' });
    assert.equal(entries[0]!.query['after'], '0');
    assert.equal(entries[0]!.status, 200);
    assert.equal(entries[0]!.method, 'GET');
    const viaHttp = await admin(emu, '/stores/counted/requests?path=/api/2.0/customers');
    assert.equal(viaHttp.json.count, 4);
    assert.equal(viaHttp.json.counters['GET /api/2.0/customers'], 4);
    await admin(emu, '/stores/counted/requests', 'DELETE');
    assert.equal(emu.countRequests({ store: 'counted' }), 0);
  });

  it('search: customers by email, sales by customer and status, offset paging capped at 1000', async () => {
    const s = emu.createStore({ domainPrefix: 'searchy', customers: 1500, sales: 300, seed: 3, config: { rateLimit: { enabled: false } } });
    const c = s.createCustomer({ first_name: 'Find', last_name: 'Me', email: 'find.me@example.org' });
    const r = await call(emu, s, '/api/2.0/search?type=customers&email=FIND.ME@example.org');
    assert.deepEqual(r.json.data.map((x: { id: string }) => x.id), [c.id]);
    const sale = s.createSale({ customerId: c.id, status: 'LAYBY' });
    const bySale = await call(emu, s, `/api/2.0/search?type=sales&customer_id=${c.id}&status=LAYBY`);
    assert.deepEqual(bySale.json.data.map((x: { id: string }) => x.id), [sale.id]);
    const big = await call(emu, s, '/api/2.0/search?type=customers&page_size=5000');
    assert.equal(big.json.data.length, 1000);
    const p2 = await call(emu, s, '/api/2.0/search?type=customers&page_size=10&offset=10');
    assert.equal(p2.json.data[0].id, big.json.data[10].id);
    assert.equal((await call(emu, s, '/api/2.0/search?type=nope')).status, 400);
  });

  it('live trading adds records over time', async () => {
    const s = emu.createStore({ domainPrefix: 'live', customers: 20, sales: 20, seed: 4 });
    const v0 = s.versions.last;
    s.startLiveTrading(15);
    await waitFor(() => s.sales.count + s.customers.count > 45, 15_000);
    s.stopLiveTrading();
    assert.ok(s.versions.last > v0);
  });

  it('1M customers / 5M sales: instant start, O(page) cursor at any depth', async () => {
    const t0 = performance.now();
    const s = emu.createStore({ domainPrefix: 'huge', customers: 1_000_000, sales: 5_000_000, seed: 5, config: { rateLimit: { enabled: false } } });
    assert.ok(performance.now() - t0 < 500, 'creation does not materialise records');
    const last = s.sales.get(4_999_999)!;
    const t1 = performance.now();
    const r = await call(emu, s, `/api/2.0/sales?page_size=500&after=${last.version - 1}`);
    assert.equal(r.json.data[0].id, last.id);
    const mid = s.customers.get(500_000)!;
    const r2 = await call(emu, s, `/api/2.0/customers?page_size=1000&after=${mid.version - 1}&deleted=true`);
    assert.equal(r2.json.data[0].id, mid.id);
    assert.equal(r2.json.data.length, 1000);
    assert.ok(performance.now() - t1 < 2000);
    // An edit deep in the base moves that record to the end.
    s.updateCustomer(mid.id, { note: 'moved' });
    const tail = await call(emu, s, `/api/2.0/customers?after=${s.versions.last - 1}`);
    assert.equal(tail.json.data[0].id, mid.id);
    emu.removeStore('huge');
  });
});
