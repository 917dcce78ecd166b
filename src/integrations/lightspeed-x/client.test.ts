// The client against the emulator over real HTTP: paging, every error class, Retry-After in both
// forms, and no token in any message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../../emulator/index.ts';
import { LightspeedClient } from './client.ts';
import { LightspeedError } from './errors.ts';

let emulator: Emulator;
let token: string;
const prefix = 'clientshop';

before(async () => {
  emulator = await startEmulator();
  const store = emulator.createStore({ domainPrefix: prefix, customers: 250, sales: 60, seed: 11 });
  token = store.token;
});
after(async () => {
  await emulator.close();
});

const clientFor = (overrides: Partial<{ domainPrefix: string; token: string; timeoutMs: number }> = {}) =>
  new LightspeedClient({ baseUrlTemplate: emulator.baseUrlTemplate, domainPrefix: prefix, token, ...overrides });

async function failureOf(run: () => Promise<unknown>): Promise<LightspeedError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof LightspeedError, `expected a LightspeedError, got ${error}`);
    assert.ok(!error.message.includes(token), 'the token never appears in an error message');
    return error;
  }
  assert.fail('expected the call to fail');
}

async function collect(client: LightspeedClient, resource: 'customers' | 'sales', pageSize?: number) {
  const ids: string[] = [];
  let pages = 0;
  for await (const page of client.pages(resource, { pageSize })) {
    pages++;
    for (const record of page.records) ids.push((record as { id: string }).id);
  }
  return { ids, pages };
}

test('reads the retailer and pages every collection to the end with exclusive cursors', async () => {
  const client = clientFor();
  const retailer = await client.getRetailer();
  assert.equal(retailer.domain_prefix, prefix);
  assert.ok(client.budget.limit && client.budget.limit >= 350, 'the rate limit is read from the headers');

  const before = emulator.countRequests({ store: prefix, path: '/api/2.0/customers' });
  const { ids, pages } = await collect(client, 'customers', 100);
  const expected = emulator.store(prefix).snapshot('customers', { includeDeleted: true }).map((row) => row.id as string);
  assert.deepEqual([...ids].sort(), [...expected].sort(), 'every customer exactly once');
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(pages, Math.ceil(expected.length / 100));
  assert.equal(emulator.countRequests({ store: prefix, path: '/api/2.0/customers' }) - before, pages + 1, 'one request per page plus the empty one');

  const sales = await collect(client, 'sales');
  assert.equal(sales.ids.length, emulator.store(prefix).snapshot('sales', { includeDeleted: true }).length);
  for (const raw of (await client.get('/sales', { page_size: 5 }) as { data: unknown[] }).data) {
    const parsed = LightspeedClient.parseRecord('sales', raw);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  }
});

test('a wrong or revoked token is an auth error; an unknown prefix is store_not_found', async () => {
  assert.equal((await failureOf(() => clientFor({ token: 'lsxs_pt_wrongwrongwrongwrongwrongwrong' }).getRetailer())).kind, 'auth');
  const store = emulator.store(prefix);
  const extra = store.createToken({ name: 'to revoke' });
  assert.ok((await clientFor({ token: extra.token }).getRetailer()).id);
  store.revokeToken(extra.token);
  const revoked = await failureOf(() => clientFor({ token: extra.token }).getRetailer());
  assert.equal(revoked.kind, 'auth');
  assert.ok(!revoked.message.includes(extra.token));
  assert.equal((await failureOf(() => clientFor({ domainPrefix: 'no-such-store' }).getRetailer())).kind, 'store_not_found');
  assert.equal((await failureOf(() => clientFor().get('/customers/00000000-0000-0000-0000-000000000000'))).kind, 'not_found');
});

test('429 with Retry-After as a date, as seconds, or in the body', async () => {
  const store = emulator.store(prefix);
  store.setFaults([{ kind: 'rate_limit', count: 1 }]);
  const asDate = await failureOf(() => clientFor().getRetailer());
  assert.equal(asDate.kind, 'rate_limited');
  assert.ok(asDate.details.retryAfterMs! >= 0 && asDate.details.retryAfterMs! <= 310_000, String(asDate.details.retryAfterMs));
  assert.ok(asDate.retryable);

  store.setRateLimit({ retryAfter: 'seconds' });
  store.setFaults([{ kind: 'rate_limit', count: 1 }]);
  const asSeconds = await failureOf(() => clientFor().getRetailer());
  assert.equal(asSeconds.kind, 'rate_limited');
  assert.equal(asSeconds.details.retryAfterMs! % 1000, 0, 'whole seconds');

  store.setRateLimit({ retryAfter: 'body' });
  store.setFaults([{ kind: 'rate_limit', count: 1 }]);
  const inBody = await failureOf(() => clientFor().getRetailer());
  assert.equal(inBody.kind, 'rate_limited');
  // The window is 300 s, so a wait above the 30 s default proves it was read from the body.
  assert.ok(inBody.details.retryAfterMs! > 30_000 && inBody.details.retryAfterMs! <= 310_000, String(inBody.details.retryAfterMs));
  store.setRateLimit({ retryAfter: 'http-date' });
  store.clearFaults();
});

test('5xx, resets, timeouts, truncated and malformed JSON are transient', async () => {
  const store = emulator.store(prefix);
  const cases: Array<[Parameters<typeof store.setFaults>[0][number], number?]> = [
    [{ kind: 'status', status: 500, count: 1 }],
    [{ kind: 'status', status: 502, count: 1 }],
    [{ kind: 'status', status: 503, count: 1 }],
    [{ kind: 'reset', count: 1 }],
    [{ kind: 'truncate', count: 1 }],
    [{ kind: 'malformed', count: 1 }],
    [{ kind: 'delay', delayMs: 1500, count: 1 }, 300],
  ];
  for (const [rule, timeoutMs] of cases) {
    store.setFaults([rule]);
    const error = await failureOf(() => clientFor(timeoutMs ? { timeoutMs } : {}).getRetailer());
    assert.equal(error.kind, 'transient', JSON.stringify(rule));
  }
  store.clearFaults();
  assert.ok((await clientFor().getRetailer()).id, 'recovers once the fault is gone');
});

test('a repeated page cannot loop the cursor forever, and resuming from the cursor loses nothing', async () => {
  const store = emulator.store(prefix);
  const client = clientFor();
  const all = store.snapshot('customers', { includeDeleted: true }).map((row) => row.id as string);
  const seen = new Set<string>();
  let cursor = 0;
  const walk = async () => {
    let pages = 0;
    for await (const page of client.pages('customers', { after: cursor, pageSize: 50 })) {
      for (const record of page.records) seen.add((record as { id: string }).id);
      cursor = page.cursor;
      pages++;
      assert.ok(pages < 100, 'no endless loop');
    }
  };
  // Walk one page, then let the store serve that page again: the walk ends early, without error.
  for await (const page of client.pages('customers', { after: 0, pageSize: 50 })) {
    for (const record of page.records) seen.add((record as { id: string }).id);
    cursor = page.cursor;
    break;
  }
  store.setFaults([{ kind: 'duplicate_page', count: 1, path: '/api/2.0/customers' }]);
  await walk();
  assert.ok(seen.size < all.length, 'the repeated page stopped the walk early');
  store.clearFaults();
  await walk();
  assert.deepEqual([...seen].sort(), [...all].sort(), 'the next walk from the saved cursor completes the set');
});

test('parseRecord names the offending field of a bad record', () => {
  const bad = LightspeedClient.parseRecord('customers', { id: 'c1', version: 'not-a-number' });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /^version: /);
  const drift = LightspeedClient.parseRecord('customers', { id: 'c2', version: '12', do_not_email: 1, brand_new_field: { x: 1 } });
  assert.ok(drift.ok, 'unknown fields, numeric strings and 0/1 flags are accepted');
  if (drift.ok) {
    assert.equal(drift.record.version, 12);
    assert.equal(drift.record.do_not_email, true);
    assert.equal(drift.record.email, null, 'a missing optional field is null');
  }
});
