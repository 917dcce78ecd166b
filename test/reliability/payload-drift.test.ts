// Lightspeed payloads that drift from the spec: unknown fields, missing optional fields, nulls where
// a string is documented, numbers as strings. Each record is parsed, or quarantined with a reason
// naming the field, and never crashes a sync. First at the client/normalizer level, then end to end
// through a proxy that bends some of the emulator's records on their way to Patron.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { LightspeedClient } from '../../src/integrations/lightspeed-x/client.ts';
import { normalizeRecord } from '../../src/integrations/lightspeed-x/normalize.ts';
import type { ResourceName } from '../../src/integrations/lightspeed-x/resources.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

let emulator: Emulator;
let store: Store;
let database: TestDatabase;

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'drift-shop', customers: 120, sales: 200, seed: 3 });
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const without = (record: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));

/** Parse, then normalize, as the sync's reader does; a throw here would be a crashed sync. */
function read(resource: ResourceName, raw: unknown): { ok: true; record: Record<string, unknown> } | { ok: false; error: string } {
  const parsed = LightspeedClient.parseRecord(resource, raw);
  if (!parsed.ok) return parsed;
  return { ok: true, record: normalizeRecord(resource, parsed.record) as unknown as Record<string, unknown> };
}

describe('client and normalizer', () => {
  test('drift that keeps the meaning is read: unknown fields, missing optional fields, nulls, numbers as strings', () => {
    const customer = store.snapshot('customers')[5]!;
    const sale = store.snapshot('sales').find((row) => (row.line_items as unknown[]).length > 0)!;
    const accepted: Array<[ResourceName, Record<string, unknown>, (record: Record<string, unknown>) => void]> = [
      ['customers', { ...customer, loyalty_tier: 'gold', future: { nested: [1, 2, { deep: true }] } }, (record) => assert.equal(record.externalId, customer.id)],
      ['customers', without(customer, 'email', 'phone', 'mobile', 'customer_code', 'date_of_birth', 'custom_field_1', 'do_not_email', 'enable_loyalty'), (record) => {
        assert.equal(record.email, null);
        assert.equal(record.emailOptOut, false);
      }],
      ['customers', { ...customer, first_name: null, last_name: null, name: null, company_name: null, physical_city: null }, (record) => assert.equal(record.firstName, null)],
      ['customers', { ...customer, version: String(customer.version), do_not_email: 1 }, (record) => {
        assert.equal(record.version, Number(customer.version));
        assert.equal(record.emailOptOut, true);
      }],
      ['customers', { ...customer, date_of_birth: 'not a date', email: '  ' }, (record) => {
        assert.equal(record.birthDate, null);
        assert.equal(record.email, null);
      }],
      ['sales', { ...sale, total_price: String(sale.total_price), total_tax: String(sale.total_tax), version: String(sale.version), brand_new_field: 'x' }, (record) => assert.equal(record.externalId, sale.id)],
      ['sales', { ...sale, line_items: (sale.line_items as Array<Record<string, unknown>>).map((line) => ({ ...line, quantity: String(line.quantity), price: null, unknown_line_field: {} })) }, (record) => assert.equal(record.kind, 'sale')],
      ['sales', without(sale, 'payments', 'attributes', 'return_for', 'note'), (record) => assert.equal(record.kind, 'sale')],
    ];
    for (const [resource, raw, check] of accepted) {
      const result = read(resource, clone(raw));
      assert.ok(result.ok, `${resource}: ${JSON.stringify(result)}`);
      check(result.record);
    }
  });

  test('drift that breaks the meaning is refused with the field named, never thrown', () => {
    const customer = store.snapshot('customers')[6]!;
    const sale = store.snapshot('sales')[7]!;
    const refused: Array<[ResourceName, unknown, RegExp]> = [
      ['customers', without(customer, 'id'), /^id/],
      ['customers', { ...customer, id: '' }, /^id/],
      ['customers', { ...customer, version: 'v12' }, /^version/],
      ['customers', { ...customer, version: -5 }, /^version/],
      ['customers', { ...customer, email: 12345 }, /^email/],
      ['customers', { ...customer, do_not_email: 'maybe' }, /^do_not_email/],
      ['customers', { ...customer, first_name: { text: 'Ann' } }, /^first_name/],
      ['sales', { ...sale, line_items: 'oops' }, /^line_items/],
      ['sales', { ...sale, total_price: 'twelve' }, /^total_price/],
      ['sales', { ...sale, attributes: 'layby' }, /^attributes/],
      ['sales', null, /\(record\)/],
      ['sales', 'a string', /\(record\)/],
      ['outlets', { id: 'o1', version: 1 }, /^name/],
    ];
    for (const [resource, raw, field] of refused) {
      const result = read(resource, clone(raw));
      assert.equal(result.ok, false, `${resource} ${JSON.stringify(raw)?.slice(0, 80)} was accepted`);
      if (!result.ok) assert.match(result.error, field);
    }
  });
});

/**
 * A proxy in front of the emulator that bends the records whose ids it is given, as a drifting API
 * would, and passes everything else through untouched.
 */
async function startDriftProxy(target: string, bend: Map<string, (record: Record<string, unknown>) => unknown>): Promise<{ template: string; server: Server; bent: Set<string> }> {
  const bent = new Set<string>();
  const server = createServer((request, response) => {
    void (async () => {
      const upstream = await fetch(target + (request.url ?? '/'), { headers: { authorization: request.headers.authorization ?? '', accept: 'application/json' } });
      let text = await upstream.text();
      if (upstream.ok && /\/api\/2\.0\/(customers|sales)\?/.test(request.url ?? '')) {
        const body = JSON.parse(text) as { data: Array<Record<string, unknown>> };
        body.data = body.data.map((record) => {
          const change = bend.get(String(record.id));
          if (!change) return record;
          bent.add(String(record.id));
          return change(record) as Record<string, unknown>;
        });
        text = JSON.stringify(body);
      }
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after', 'date']) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      response.writeHead(upstream.status, headers);
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { template: `http://127.0.0.1:${port}/{domain_prefix}`, server, bent };
}

test('end to end: drifted records are quarantined with their reason, the rest sync, and a fixed record heals', async () => {
  const customers = store.snapshot('customers').filter((row) => row.id !== store.walkInCustomerId);
  const sales = store.snapshot('sales');
  const badCustomers = [customers[0]!, customers[1]!, customers[2]!].map((row) => String(row.id));
  const oddButGood = [customers[3]!, customers[4]!].map((row) => String(row.id));
  const badSales = [sales[0]!, sales[1]!].map((row) => String(row.id));
  const bend = new Map<string, (record: Record<string, unknown>) => unknown>([
    [badCustomers[0]!, (record) => ({ ...record, email: 12345 })],
    [badCustomers[1]!, (record) => ({ ...record, do_not_email: 'maybe' })],
    [badCustomers[2]!, (record) => ({ ...record, version: 'v-next' })],
    [oddButGood[0]!, (record) => ({ ...record, version: String(record.version), surprise: { tier: 'gold' } })],
    [oddButGood[1]!, (record) => without(record, 'mobile', 'customer_code', 'date_of_birth')],
    [badSales[0]!, (record) => ({ ...record, line_items: 'oops' })],
    [badSales[1]!, (record) => ({ ...record, total_price: 'twelve' })],
  ]);
  const proxy = await startDriftProxy(emulator.url, bend);
  try {
    const connected = await connectStore(database.db, emulator, 'drift-shop');
    const deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: createConnectors({ lightspeedBaseUrl: proxy.template }), logger: createLogger('silent') });
    const result = await runCredentialSync(deps, connected.credentialId, { reason: 'drift' });
    assert.equal(result.outcome, 'succeeded');
    assert.equal(proxy.bent.size, bend.size, 'every bent record went through the proxy');
    if (result.outcome === 'succeeded') assert.equal(result.quarantined, badCustomers.length + badSales.length);

    const quarantine = await database.db.selectFrom('sync_quarantine').select(['resource', 'external_id', 'error']).where('credential_id', '=', connected.credentialId).orderBy('external_id').execute();
    assert.deepEqual(quarantine.map((row) => row.external_id).sort(), [...badCustomers, ...badSales].sort());
    const reason = (id: string) => quarantine.find((row) => row.external_id === id)?.error ?? '';
    assert.match(reason(badCustomers[0]!), /^email/);
    assert.match(reason(badCustomers[1]!), /^do_not_email/);
    assert.match(reason(badCustomers[2]!), /^version/);
    assert.match(reason(badSales[0]!), /^line_items/);
    assert.match(reason(badSales[1]!), /^total_price/);

    // Everything else is an exact copy: the only differences are the quarantined records, and the
    // fields the proxy left out (a missing optional field reads as null, as the schema says).
    const { differences } = await mirrorDifferences(database.db, connected.credentialId, store);
    const explained = [...badCustomers, ...badSales, oddButGood[1]!];
    const unexplained = differences.filter((line) => !explained.some((id) => line.includes(id)) && !/^(customers|sales): \d+ in Patron/.test(line));
    assert.deepEqual(unexplained, []);
    for (const id of oddButGood) {
      const row = await database.db.selectFrom('source_customers').select('version').where('credential_id', '=', connected.credentialId).where('external_id', '=', id).executeTakeFirst();
      assert.ok(row, `the odd-but-valid customer ${id} was synced`);
    }

    // The API stops drifting and the records change again: they leave quarantine, the copy is exact.
    bend.clear();
    for (const id of [...badCustomers, oddButGood[1]!]) store.updateCustomer(id, { note: 'fixed' });
    for (const id of badSales) store.editSaleLines(id, [{ quantity: 1 }]);
    assert.equal((await runCredentialSync(deps, connected.credentialId, { reason: 'healed' })).outcome, 'succeeded');
    const left = await database.db.selectFrom('sync_quarantine').select('external_id').where('credential_id', '=', connected.credentialId).execute();
    assert.deepEqual(left, []);
    assert.deepEqual((await mirrorDifferences(database.db, connected.credentialId, store)).differences, []);
  } finally {
    await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
  }
});
