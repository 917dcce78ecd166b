/** Rate limiting: formula, headers on every response, 429 body and Retry-After styles, window reset. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '../index.ts';
import type { Emulator } from '../index.ts';
import { call } from './helpers.ts';

describe('rate limiting', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('limit = 300 × registers + 50, shown on every response (401s included)', async () => {
    const one = emu.createStore({ domainPrefix: 'rl-one', registers: 1, outlets: 1, customers: 3, sales: 0 });
    const r = await call(emu, one, '/api/2.0/retailer');
    assert.equal(r.headers.get('x-ratelimit-limit'), '350');
    assert.equal(r.headers.get('x-ratelimit-remaining'), '349');
    const bad = await call(emu, one, '/api/2.0/retailer', { token: 'nope' });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('x-ratelimit-remaining'), '348');
    one.addRegister();
    assert.equal((await call(emu, one, '/api/2.0/retailer')).headers.get('x-ratelimit-limit'), '650');
  });

  it('exhausting the budget → 429 with an HTTP-date Retry-After; the next window admits again', async () => {
    // A small explicit limit keeps the test about the window, not about how fast this machine is
    // (the 300 × registers + 50 formula is checked above through the headers).
    const s = emu.createStore({ domainPrefix: 'rl-window', registers: 1, customers: 3, sales: 0, config: { rateLimit: { windowMs: 3000, limit: 5 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(emu, s, '/api/2.0/outlets')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200], 'the first 5 pass');
    const r = await call(emu, s, '/api/2.0/outlets');
    assert.equal(r.status, 429);
    assert.deepEqual(r.json, { error: 'Too Many Requests', message: 'Rate limiting enforced' });
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
    const retryAfter = r.headers.get('retry-after') ?? '';
    assert.match(retryAfter, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const waitMs = Date.parse(retryAfter) - Date.now();
    assert.ok(waitMs > 0 && waitMs <= 4000, `retry in ${waitMs} ms`);
    await new Promise((res) => setTimeout(res, waitMs + 50));
    const again = await call(emu, s, '/api/2.0/outlets');
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-ratelimit-remaining'), '4');
  });

  it('Retry-After as delta-seconds, or legacy body key without header, by config', async () => {
    const sec = emu.createStore({ domainPrefix: 'rl-sec', customers: 3, sales: 0, config: { rateLimit: { limit: 2, retryAfter: 'seconds' } } });
    await call(emu, sec, '/api/2.0/outlets');
    await call(emu, sec, '/api/2.0/outlets');
    const r = await call(emu, sec, '/api/2.0/outlets');
    assert.equal(r.status, 429);
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    const body = emu.createStore({ domainPrefix: 'rl-body', customers: 3, sales: 0, config: { rateLimit: { limit: 1, retryAfter: 'body' } } });
    await call(emu, body, '/api/2.0/outlets');
    const b = await call(emu, body, '/api/2.0/outlets');
    assert.equal(b.status, 429);
    assert.equal(b.headers.get('retry-after'), null);
    assert.ok(!Number.isNaN(Date.parse(b.json['retry-after'])));
  });

  it('can be disabled; advancing the clock opens a new window', async () => {
    const off = emu.createStore({ domainPrefix: 'rl-off', customers: 3, sales: 0, config: { rateLimit: { enabled: false, limit: 1 } } });
    for (let i = 0; i < 3; i++) assert.equal((await call(emu, off, '/api/2.0/outlets')).status, 200);
    const s = emu.createStore({ domainPrefix: 'rl-clock', customers: 3, sales: 0, config: { rateLimit: { limit: 1 } } });
    await call(emu, s, '/api/2.0/outlets');
    assert.equal((await call(emu, s, '/api/2.0/outlets')).status, 429);
    s.advanceClock(300_000);
    assert.equal((await call(emu, s, '/api/2.0/outlets')).status, 200);
  });
});
