/** Tokens and tenants: 401 cases, ?access_token ignored, token admin, unknown domain prefix modes. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import type { Store } from '../store.ts';
import { call } from './helpers.ts';

describe('authentication and tenants', () => {
  let emu: Emulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator();
    store = emu.createStore({ domainPrefix: 'auth-shop', customers: 5, sales: 5, seed: 1 });
  });
  after(() => emu.close());

  it('tokens look like lsxs_pt_ + 32 alphanumerics', () => {
    assert.match(store.token, /^lsxs_pt_[A-Za-z0-9]{32}$/);
  });

  it('missing, malformed or unknown bearer token → 401 JSON {error}', async () => {
    const variants: Array<Record<string, string>> = [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer lsxs_pt_nope' }];
    for (const headers of variants) {
      const r = await call(emu, store, '/api/2.0/retailer', { token: null, headers });
      assert.equal(r.status, 401);
      assert.equal(typeof r.json.error, 'string');
      assert.equal(r.json.data, undefined);
    }
  });

  it('?access_token= is ignored', async () => {
    const r = await call(emu, store, `/api/2.0/retailer?access_token=${store.token}`, { token: null });
    assert.equal(r.status, 401);
  });

  it('tokens are per store', async () => {
    const other = emu.createStore({ domainPrefix: 'auth-other', customers: 3, sales: 0, seed: 2 });
    assert.equal((await call(emu, other, '/api/2.0/retailer', { token: store.token })).status, 401);
    assert.equal((await call(emu, other, '/api/2.0/retailer')).status, 200);
  });

  it('revoked token → 401; a second token keeps working', async () => {
    const t = store.createToken({ name: 'temp' });
    assert.equal((await call(emu, store, '/api/2.0/user', { token: t.token })).status, 200);
    assert.ok(store.revokeToken(t.id));
    const r = await call(emu, store, '/api/2.0/user', { token: t.token });
    assert.equal(r.status, 401);
    assert.equal((await call(emu, store, '/api/2.0/user')).status, 200);
  });

  it('expired token → 401 once the clock passes its expiry', async () => {
    const t = store.createToken({ expiresAt: store.clock.wallNow() + 60_000 });
    assert.equal((await call(emu, store, '/api/2.0/user', { token: t.token })).status, 200);
    store.advanceClock(61_000);
    assert.equal((await call(emu, store, '/api/2.0/user', { token: t.token })).status, 401);
  });

  it('admin HTTP API mints, lists and revokes tokens', async () => {
    const created = await fetch(`${emu.url}/_admin/stores/auth-shop/tokens`, { method: 'POST', body: JSON.stringify({ name: 'ci' }), headers: { 'Content-Type': 'application/json' } });
    assert.equal(created.status, 201);
    const tok = (await created.json()) as { id: string; token: string };
    const list = (await (await fetch(`${emu.url}/_admin/stores/auth-shop/tokens`)).json()) as Array<{ id: string }>;
    assert.ok(list.some((t) => t.id === tok.id));
    assert.equal((await call(emu, store, '/api/2.0/retailer', { token: tok.token })).status, 200);
    assert.equal((await fetch(`${emu.url}/_admin/stores/auth-shop/tokens/${tok.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(emu, store, '/api/2.0/retailer', { token: tok.token })).status, 401);
  });

  it('unknown domain prefix → 404 HTML by default; JSON 404 or connection reset by config', async () => {
    const r = await call(emu, 'no-such-store', '/api/2.0/retailer', { token: store.token });
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(r.json, undefined);
    emu.unknownPrefix = 'json404';
    assert.equal((await call(emu, 'no-such-store', '/api/2.0/retailer')).json.error, 'Not Found');
    emu.unknownPrefix = 'reset';
    await assert.rejects(call(emu, 'no-such-store', '/api/2.0/retailer'));
    emu.unknownPrefix = 'html404';
  });

  it('unknown API path → 404 JSON', async () => {
    const r = await call(emu, store, '/api/2.0/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(typeof r.json.error, 'string');
  });
});
