/** Faults on demand: each kind, count vs probability, path filter, determinism. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import type { Store } from '../store.ts';
import { call } from './helpers.ts';

describe('faults', () => {
  let emu: Emulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator();
    store = emu.createStore({ domainPrefix: 'faulty', customers: 40, sales: 10, seed: 9, config: { rateLimit: { enabled: false } } });
  });
  after(() => emu.close());

  it('status faults (500/502/503) for the next N requests, then normal', async () => {
    for (const status of [500, 502, 503]) {
      store.setFaults([{ kind: 'status', status, count: 2 }]);
      assert.equal((await call(emu, store, '/api/2.0/outlets')).status, status);
      assert.equal((await call(emu, store, '/api/2.0/outlets')).status, status);
      assert.equal((await call(emu, store, '/api/2.0/outlets')).status, 200);
    }
  });

  it('path filter: only matching requests are hit', async () => {
    store.setFaults([{ kind: 'status', status: 503, count: 1, path: '/api/2.0/sales' }]);
    assert.equal((await call(emu, store, '/api/2.0/customers')).status, 200);
    assert.equal((await call(emu, store, '/api/2.0/sales')).status, 503);
    store.setFaults([{ kind: 'status', status: 500, count: 1, path: '/customers\\/[0-9a-f-]{36}$/' }]);
    assert.equal((await call(emu, store, '/api/2.0/customers')).status, 200);
    assert.equal((await call(emu, store, `/api/2.0/customers/${store.walkInCustomerId}`)).status, 500);
  });

  it('delay slows the response down', async () => {
    store.setFaults([{ kind: 'delay', delayMs: 300, count: 1 }]);
    const t = Date.now();
    const r = await call(emu, store, '/api/2.0/outlets');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t >= 280);
  });

  it('reset destroys the connection', async () => {
    store.setFaults([{ kind: 'reset', count: 1 }]);
    await assert.rejects(call(emu, store, '/api/2.0/outlets'));
    assert.equal((await call(emu, store, '/api/2.0/outlets')).status, 200);
  });

  it('truncated and malformed JSON bodies arrive as 200 but do not parse', async () => {
    for (const kind of ['truncate', 'malformed'] as const) {
      store.setFaults([{ kind, count: 1 }]);
      const r = await call(emu, store, '/api/2.0/customers?page_size=5');
      assert.equal(r.status, 200);
      assert.ok(r.text.length > 0);
      assert.throws(() => JSON.parse(r.text), SyntaxError, kind);
    }
  });

  it('unauthorized fault → 401 although the token is valid', async () => {
    store.setFaults([{ kind: 'unauthorized', count: 1 }]);
    assert.equal((await call(emu, store, '/api/2.0/retailer')).status, 401);
    assert.equal((await call(emu, store, '/api/2.0/retailer')).status, 200);
  });

  it('429 storm with Retry-After', async () => {
    store.setFaults([{ kind: 'rate_limit', count: 3 }]);
    for (let i = 0; i < 3; i++) {
      const r = await call(emu, store, '/api/2.0/retailer');
      assert.equal(r.status, 429);
      assert.ok(r.headers.get('retry-after'));
    }
    assert.equal((await call(emu, store, '/api/2.0/retailer')).status, 200);
  });

  it('duplicate_page serves the previous page again; overlap_page repeats part of it', async () => {
    const p1 = await call(emu, store, '/api/2.0/customers?page_size=10');
    store.setFaults([{ kind: 'duplicate_page', count: 1 }]);
    const dup = await call(emu, store, `/api/2.0/customers?page_size=10&after=${p1.json.version.max}`);
    assert.deepEqual(dup.json.data.map((r: { id: string }) => r.id), p1.json.data.map((r: { id: string }) => r.id));
    const p2 = await call(emu, store, `/api/2.0/customers?page_size=10&after=${p1.json.version.max}`);
    assert.ok(p2.json.data[0].version > p1.json.version.max, 'real progression continues');
    store.setFaults([{ kind: 'overlap_page', count: 1 }]);
    const ov = await call(emu, store, `/api/2.0/customers?page_size=10&after=${p2.json.version.max}`);
    const p2ids = new Set(p2.json.data.map((r: { id: string }) => r.id));
    const repeated = ov.json.data.filter((r: { id: string }) => p2ids.has(r.id));
    assert.equal(repeated.length, 5);
    assert.equal(ov.json.data.length, 10);
  });

  it('a replayed page never skips rows: a client that starts again from an earlier cursor gets every row after it', async () => {
    // A sync run that stops early drops pages it had read ahead; the next run asks again from its
    // committed cursor, which lies before the last page served. Replaying "the previous page" there
    // would answer rows newer than the ones asked for and skip those in between.
    const p1 = await call(emu, store, '/api/2.0/customers?page_size=10');
    const p2 = await call(emu, store, `/api/2.0/customers?page_size=10&after=${p1.json.version.max}`);
    await call(emu, store, `/api/2.0/customers?page_size=10&after=${p2.json.version.max}`);
    for (const kind of ['duplicate_page', 'overlap_page'] as const) {
      store.setFaults([{ kind, count: 1 }]);
      const again = await call(emu, store, `/api/2.0/customers?page_size=10&after=${p1.json.version.max}`);
      assert.deepEqual(
        again.json.data.map((r: { id: string }) => r.id),
        p2.json.data.map((r: { id: string }) => r.id),
        `${kind}: the rows right after the cursor asked for`,
      );
    }
    store.clearFaults();
  });

  it('probabilistic faults are deterministic for a given seed', async () => {
    const run = async () => {
      store.setFaults([{ kind: 'status', status: 500, probability: 0.5 }], 1234);
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await call(emu, store, '/api/2.0/outlets')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(500) && a.includes(200));
    store.clearFaults();
  });

  it('faulted requests are logged with their fault kind', async () => {
    emu.requestLog.reset();
    store.setFaults([{ kind: 'status', status: 502, count: 1 }]);
    await call(emu, store, '/api/2.0/outlets');
    const [e] = emu.requestLog.entries({ store: 'faulty' });
    assert.equal(e?.status, 502);
    assert.deepEqual(e?.faults, ['status']);
  });

  it('admin HTTP API sets and clears faults', async () => {
    const put = await fetch(`${emu.url}/_admin/stores/faulty/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules: [{ kind: 'status', status: 503, count: 1 }] }) });
    assert.equal(put.status, 200);
    assert.equal((await call(emu, store, '/api/2.0/outlets')).status, 503);
    const bad = await fetch(`${emu.url}/_admin/stores/faulty/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rules: [{ kind: 'explode', count: 1 }] }) });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${emu.url}/_admin/stores/faulty/faults`, { method: 'DELETE' })).status, 204);
  });
});
