// The hooks of a synced page of sales read the sales from their records instead of reading the rows
// back (record-writer.ts, WrittenSale). That is only right if the record says exactly what the row
// says: here a page with every kind of sale is written, and what the hooks derive from the records
// (the loyalty facts, the totals and points) must equal what the rows give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createLogger } from '../../src/logger.ts';
import { loadSaleFacts, writtenSaleFacts } from '../../src/loyalty/sale-facts.ts';
import { reconcileSalePoints } from '../../src/loyalty/points-ledger.ts';
import { refreshAggregates, refreshPointBalances } from '../../src/personas/persona-refresh.ts';
import { PersonaTotalsChanges } from '../../src/personas/persona-totals.ts';
import { writeSales, type CredentialScope } from '../../src/sync/record-writer.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { emulatorAndDatabase } from '../helpers/emulator-and-database.ts';
import { sourceSale } from '../helpers/source-sale.ts';

const env = emulatorAndDatabase();

test('a written page of sales gives the same facts, totals and points from its records as from its rows', async () => {
  const domainPrefix = 'written-sales';
  const store = env.emulator.createStore({ domainPrefix, customers: 12, sales: 0, outlets: 1, registers: 1, seed: 41 });
  store.setRateLimit({ enabled: false });
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix);
  const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  assert.equal((await runCredentialSync(deps, connected.credentialId, { reason: 'test' })).outcome, 'succeeded');
  const db = env.database.db;
  // A connection with its own loyalty start date, which the facts carry.
  await sql`UPDATE connections SET loyalty_start_date = '2026-01-01' WHERE company_id = ${connected.companyId}`.execute(db);
  const customers = (
    await sql<{ external_id: string }>`
      SELECT external_id FROM source_customers WHERE credential_id = ${connected.credentialId} AND persona_id IS NOT NULL ORDER BY external_id LIMIT 2`.execute(db)
  ).rows.map((row) => row.external_id);
  assert.equal(customers.length, 2);
  const [ana, ben] = customers as [string, string];
  const outlet = (await sql<{ external_id: string }>`SELECT external_id FROM source_locations WHERE credential_id = ${connected.credentialId}`.execute(db)).rows[0]!.external_id;
  const scope: CredentialScope = { companyId: connected.companyId, credentialId: connected.credentialId, region: null };

  // Stored before the page: a sale the page edits, and one the page returns items of.
  const edited = sourceSale({ customerExternalId: ana, locationExternalId: outlet, totalInclTax: 40, totalExclTax: 36.36 });
  const returned = sourceSale({ customerExternalId: ben, locationExternalId: outlet, totalInclTax: 99.99, totalExclTax: 90.9 });
  await db.transaction().execute(async (trx) => {
    const outcome = await writeSales(trx, scope, [edited, returned]);
    await reconcileSalePoints(trx, scope.companyId, outcome.writtenSales!.map((sale) => sale.id));
    await refreshAggregates(trx, await personasOf(trx, [ana, ben]));
  });

  const inPage = sourceSale({ customerExternalId: ana, locationExternalId: outlet, totalInclTax: 0.1 + 0.2, totalExclTax: 24.95, saleDate: '2026-11-01 12:00:00+02' });
  const page = [
    { ...edited, version: 2, totalInclTax: 44.5, totalExclTax: 40.45 },
    inPage,
    // A return of a stored sale, and one of a sale in the same page.
    sourceSale({ customerExternalId: ben, returnForExternalId: returned.externalId, totalInclTax: -20, totalExclTax: -18.18, saleDate: '2026-11-03T09:30:00.123456Z' }),
    sourceSale({ customerExternalId: ana, returnForExternalId: inPage.externalId, totalInclTax: -0.1, totalExclTax: -5 }),
    // Voided, deleted, pending layby, walk-in, and a buyer Patron has not synced.
    sourceSale({ customerExternalId: ben, state: 'voided', posStatus: 'VOIDED' }),
    sourceSale({ customerExternalId: ana, deletedAt: '2026-11-05T00:00:00Z' }),
    sourceSale({ customerExternalId: ben, state: 'pending', posStatus: 'ONACCOUNT', attributes: ['layby'] }),
    sourceSale({ customerExternalId: null, totalInclTax: 5 }),
    sourceSale({ customerExternalId: 'not-synced-yet' }),
  ];

  await db.transaction().execute(async (trx) => {
    const outcome = await writeSales(trx, scope, page);
    const written = outcome.writtenSales!;
    assert.equal(written.length, page.length);
    assert.deepEqual(written.map((sale) => sale.existed), [true, false, false, false, false, false, false, false, false]);

    const byId = (facts: Array<{ id: string }>) => [...facts].sort((a, b) => a.id.localeCompare(b.id));
    const fromRecords = await writtenSaleFacts(trx, scope, written);
    const fromRows = await loadSaleFacts(trx, scope.companyId, written.map((sale) => sale.id));
    assert.deepEqual(byId(fromRecords), byId(fromRows));
    assert.ok(fromRecords.some((facts) => facts.original_id !== null && facts.start_override === '2026-01-01'));

    // The product's hooks, as the sync runs them on this page.
    const totals = new PersonaTotalsChanges();
    for (const hook of deps.afterPageHooks!) await hook(trx, scope, page, outcome, totals);
    await totals.apply(trx);
  });

  // What the hooks left equals a recomputation from the rows, and a re-reconcile has nothing to add.
  const personaIds = await personasOf(db, [ana, ben]);
  const snapshot = async () =>
    (
      await sql`
        SELECT id, lifetime_spend::text, visits, first_visit_at::text, last_visit_at::text, points_balance::text
        FROM personas WHERE id = ANY(${personaIds}::uuid[]) ORDER BY id`.execute(db)
    ).rows;
  const stored = await snapshot();
  const ledgerBefore = await ledgerSize(connected.companyId);
  assert.ok(ledgerBefore >= 4, `ledger entries: ${ledgerBefore}`);
  await db.transaction().execute(async (trx) => {
    await refreshAggregates(trx, personaIds);
    await refreshPointBalances(trx, personaIds);
    const saleIds = (await sql<{ id: string }>`SELECT id FROM sales WHERE company_id = ${connected.companyId}`.execute(trx)).rows.map((row) => row.id);
    await reconcileSalePoints(trx, connected.companyId, saleIds);
  });
  assert.deepEqual(stored, await snapshot());
  assert.equal(await ledgerSize(connected.companyId), ledgerBefore);
  const [anaTotals] = (await sql<{ visits: number }>`SELECT visits FROM personas WHERE id = (SELECT persona_id FROM source_customers WHERE credential_id = ${connected.credentialId} AND external_id = ${ana})`.execute(db)).rows;
  assert.equal(anaTotals!.visits, 2, "Ana's edited sale and her new one; her return, her deleted sale and other people's sales are not visits of hers");
});

async function personasOf(db: Parameters<typeof loadSaleFacts>[0], customers: string[]): Promise<string[]> {
  const rows = await sql<{ persona_id: string }>`SELECT DISTINCT persona_id FROM source_customers WHERE external_id = ANY(${customers}::text[]) AND persona_id IS NOT NULL`.execute(db);
  return rows.rows.map((row) => row.persona_id);
}

async function ledgerSize(companyId: string): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_ledger WHERE company_id = ${companyId}`.execute(env.database.db)).rows[0]!.n;
}

test('a page only writes sales that are new or newer than stored, and reports them in its order', async () => {
  const domainPrefix = 'written-sales-versions';
  const store = env.emulator.createStore({ domainPrefix, customers: 1, sales: 0, outlets: 1, registers: 1, seed: 43 });
  store.setRateLimit({ enabled: false });
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix);
  const db = env.database.db;
  const scope: CredentialScope = { companyId: connected.companyId, credentialId: connected.credentialId, region: null };
  const line = (quantity: number) => ({
    externalId: null, productExternalId: 'p-1', quantity, unitPriceExclTax: 10, unitDiscount: 0, unitTax: 1, totalExclTax: 10 * quantity, totalTax: quantity, isReturn: false, status: 'CONFIRMED',
  });
  const stored = sourceSale({ version: 5, attributes: ['layby', 'onaccount'], lines: [line(1)] });
  await db.transaction().execute((trx) => writeSales(trx, scope, [stored]));

  const fresh = sourceSale({ version: 1 });
  const newer = { ...stored, version: 6, totalInclTax: 22, lines: [line(2), line(3)] };
  // The stored sale twice: an older version (ignored) and a newer one; new sales before and after it.
  const page = [fresh, { ...stored, version: 4, totalInclTax: 1, lines: [] }, newer, sourceSale({ version: 2 })];
  const outcome = await db.transaction().execute((trx) => writeSales(trx, scope, page));
  assert.equal(outcome.changed, 3);
  assert.deepEqual(
    outcome.writtenSales!.map((sale) => [sale.record.externalId, sale.record.version, sale.existed]),
    [
      [fresh.externalId, 1, false],
      [stored.externalId, 6, true],
      [page[3]!.externalId, 2, false],
    ],
  );
  const row = (await sql<{ total: string; attributes: string[]; lines: number }>`
    SELECT s.total_incl_tax::text AS total, s.attributes, (SELECT count(*)::int FROM sale_lines l WHERE l.sale_id = s.id) AS lines
    FROM sales s WHERE s.credential_id = ${scope.credentialId} AND s.external_id = ${stored.externalId}`.execute(db)).rows[0]!;
  assert.deepEqual(row, { total: '22', attributes: ['layby', 'onaccount'], lines: 2 });

  // The same page again, and an older version alone, change nothing.
  const again = await db.transaction().execute((trx) => writeSales(trx, scope, page));
  assert.equal(again.changed, 0);
  const older = await db.transaction().execute((trx) => writeSales(trx, scope, [{ ...stored, version: 5, lines: [] }]));
  assert.equal(older.changed, 0);
  const lines = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.credential_id = ${scope.credentialId}`.execute(db)).rows[0]!.n;
  assert.equal(lines, 2);
});
