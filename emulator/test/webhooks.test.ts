/** Webhooks: 0.9 form CRUD, 2.0 JSON CRUD, delivery format (legacy payload), retries and back-off. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import type { Store } from '../store.ts';
import { call, startReceiver, waitFor } from './helpers.ts';

describe('webhooks', () => {
  let emu: Emulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator();
    store = emu.createStore({
      domainPrefix: 'hooks',
      customers: 20,
      sales: 20,
      seed: 5,
      config: { webhooks: { retryBaseMs: 20, retryMaxDelayMs: 200, timeoutMs: 300 } },
    });
  });
  after(() => emu.close());

  it('0.9 API: form-encoded data=<json>; POST 200, GET list/one, PUT, DELETE {status: success}', async () => {
    const data = JSON.stringify({ url: 'http://127.0.0.1:9/x', active: true, type: 'customer.update' });
    const created = await call(emu, store, '/api/webhooks', { method: 'POST', form: { data } });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.json).sort(), ['active', 'id', 'retailer_id', 'type', 'url', 'user_id']);
    assert.equal(created.json.retailer_id, store.retailerRecord['id']);
    const id = created.json.id;
    assert.equal((await call(emu, store, '/api/webhooks')).json.length, 1);
    assert.equal((await call(emu, store, `/api/webhooks/${id}`)).json.url, 'http://127.0.0.1:9/x');
    const put = await call(emu, store, `/api/webhooks/${id}`, { method: 'PUT', form: { data: JSON.stringify({ active: false }) } });
    assert.equal(put.json.active, false);
    const del = await call(emu, store, `/api/webhooks/${id}`, { method: 'DELETE' });
    assert.deepEqual(del.json, { status: 'success' });
    assert.equal((await call(emu, store, `/api/webhooks/${id}`)).status, 404);
  });

  it('only the 7 official types are accepted (unknown → 400)', async () => {
    for (const type of ['customer.delete', 'sale.delete', 'outlet.update']) {
      const r = await call(emu, store, '/api/webhooks', { method: 'POST', form: { data: JSON.stringify({ url: 'http://127.0.0.1:9/', active: true, type }) } });
      assert.equal(r.status, 400, type);
    }
    for (const type of ['sale.update', 'customer.update', 'product.update', 'inventory.update', 'register_closure.create', 'consignment.send', 'consignment.receive']) {
      const r = await call(emu, store, '/api/2.0/webhooks', { method: 'POST', body: { url: `http://127.0.0.1:9/${type}`, active: false, type } });
      assert.equal(r.status, 201, type);
      await call(emu, store, `/api/2.0/webhooks/${r.json.data.id}`, { method: 'DELETE' });
    }
  });

  it('2.0 JSON API: POST 201, duplicate type+URL 409, unknown id 404', async () => {
    const body = { url: 'http://127.0.0.1:9/dup', active: true, type: 'sale.update' };
    const a = await call(emu, store, '/api/2.0/webhooks', { method: 'POST', body });
    assert.equal(a.status, 201);
    assert.equal(a.json.data.type, 'sale.update');
    assert.equal((await call(emu, store, '/api/2.0/webhooks', { method: 'POST', body })).status, 409);
    assert.equal((await call(emu, store, '/api/2.0/webhooks/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await call(emu, store, `/api/2.0/webhooks/${a.json.data.id}`, { method: 'DELETE' })).status, 204);
  });

  it('delivers customer.update as a form POST with a legacy 0.9 payload, unsigned', async () => {
    const rx = await startReceiver();
    try {
      const hook = store.webhooks.create({ url: rx.url, active: true, type: 'customer.update' });
      const c = store.createCustomer({ first_name: 'Web', last_name: 'Hook', email: 'web@hook.test', physical_address_1: '1 Main St', gender: 'F' });
      await waitFor(() => rx.hits.length === 1);
      const hit = rx.hits[0]!;
      assert.match(String(hit.headers['content-type']), /application\/x-www-form-urlencoded/);
      assert.equal(hit.headers['x-signature'], undefined);
      assert.equal(hit.form.get('type'), 'customer.update');
      assert.equal(hit.form.get('domain_prefix'), 'hooks');
      const p = JSON.parse(hit.form.get('payload')!);
      assert.equal(p.id, c.id);
      assert.equal(p.physical_address1, '1 Main St');
      assert.equal(p.sex, 'F');
      assert.equal(p.enable_loyalty, 1);
      assert.equal(typeof p.balance, 'string');
      assert.equal(p.version, undefined);
      assert.match(p.updated_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      store.webhooks.delete(hook.id);
    } finally {
      await rx.close();
    }
  });

  it('delivers sale.update with register_sale_products / register_sale_payments / totals', async () => {
    const rx = await startReceiver();
    try {
      const hook = store.webhooks.create({ url: rx.url, active: true, type: 'sale.update' });
      const s = store.createSale({ status: 'LAYBY', customerId: store.customers.get(5)!.id, lines: [{ quantity: 2 }] });
      store.closeSale(s.id);
      await waitFor(() => rx.hits.length === 2);
      const [first, second] = rx.hits.map((h) => JSON.parse(h.form.get('payload')!));
      assert.equal(first.status, 'LAYBY');
      assert.equal(second.status, 'LAYBY_CLOSED');
      assert.equal(second.register_sale_products[0].quantity, 2);
      assert.ok(second.register_sale_payments.length >= 1);
      assert.equal(second.totals.total_to_pay, 0);
      store.webhooks.delete(hook.id);
    } finally {
      await rx.close();
    }
  });

  it('retries 5xx and timeouts with exponential back-off, then stops on success', async () => {
    const rx = await startReceiver((n) => (n === 1 ? 500 : n === 2 ? 'hang' : n === 3 ? 503 : 200));
    try {
      const hook = store.webhooks.create({ url: rx.url, active: true, type: 'customer.update' });
      store.createCustomer({ first_name: 'Retry', last_name: 'Me' });
      await waitFor(() => rx.hits.length === 4, 15_000);
      await store.webhooks.idle();
      const mine = store.webhooks.attempts.filter((a) => a.webhookId === hook.id);
      assert.deepEqual(mine.map((a) => a.status), [500, null, 503, 200]);
      assert.match(mine[1]!.error ?? '', /timeout/);
      assert.deepEqual(mine.map((a) => a.willRetry), [true, true, true, false]);
      // Gaps grow: base 20 ms, 40 ms, 80 ms (plus the 300 ms timeout on attempt 2).
      const gap1 = rx.hits[1]!.at - rx.hits[0]!.at;
      const gap3 = rx.hits[3]!.at - rx.hits[2]!.at;
      assert.ok(gap1 >= 15 && gap3 >= 70, `gaps ${gap1} / ${gap3}`);
      // Same payload each time.
      assert.equal(new Set(rx.hits.map((h) => h.body)).size, 1);
      store.webhooks.delete(hook.id);
    } finally {
      await rx.close();
    }
  });

  it('4xx/3xx answers are not retried; maxRetries caps the attempts', async () => {
    const rx = await startReceiver(() => 410);
    const rx2 = await startReceiver(() => 500);
    try {
      const h1 = store.webhooks.create({ url: rx.url, active: true, type: 'customer.update' });
      store.webhooks.config.maxRetries = 3;
      const h2 = store.webhooks.create({ url: rx2.url, active: true, type: 'customer.update' });
      store.createCustomer({ first_name: 'Four', last_name: 'Ten' });
      await waitFor(() => rx2.hits.length === 4, 15_000);
      await store.webhooks.idle();
      assert.equal(rx.hits.length, 1);
      assert.equal(rx2.hits.length, 4, '1 try + 3 retries');
      store.webhooks.delete(h1.id);
      store.webhooks.delete(h2.id);
    } finally {
      store.webhooks.config.maxRetries = 20;
      await rx.close();
      await rx2.close();
    }
  });

  it('inactive hooks receive nothing', async () => {
    const rx = await startReceiver();
    try {
      const hook = store.webhooks.create({ url: rx.url, active: false, type: 'customer.update' });
      store.createCustomer({ first_name: 'Quiet', last_name: 'One' });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(rx.hits.length, 0);
      store.webhooks.delete(hook.id);
    } finally {
      await rx.close();
    }
  });
});
