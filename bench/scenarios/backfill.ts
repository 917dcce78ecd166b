import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { normalizeEmail, normalizePhone } from '../../src/personas/identifiers.ts';
import type { SourceCustomer, SourceSale } from '../../src/sync/source-records.ts';
import { copyRows, type CopyValue } from '../lib/copy.ts';
import { figure } from '../lib/stats.ts';
import { backfillStore, BACKFILL_STORE, connectFresh, minimumRequests, servedPerResource, timedSync, type ConnectedCompany } from '../lib/sync-setup.ts';
import type { BenchContext, Figure, Scenario } from '../lib/types.ts';

const NAME = 'backfill';
const BATCH = 10_000;

/**
 * Backfill throughput of the real product (runCredentialSync with every hook: personas, stores,
 * loyalty) against a raw baseline that COPYs the same normalized rows into the same tables, plus the
 * ceilings that bound the sync from outside: what the emulator can serve, and what the connector can
 * fetch, validate and normalize.
 */
export const backfill: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    const store = backfillStore(context);
    const runs = { customers: [] as number[], sales: [] as number[], lines: [] as number[], total: [] as number[] };
    const base = { customers: [] as number[], sales: [] as number[], readerCustomers: [] as number[], readerSales: [] as number[] };
    const ratios = { customers: [] as number[], sales: [] as number[] };
    const requests: Array<{ made: number; minimum: number; tooMany: number }> = [];
    let linesPerSale = 0;
    const bytes: Array<{ perCustomer: number; perSale: number; total: number }> = [];
    for (let run = 1; run <= context.spec.runs; run++) {
      const company = await connectFresh(context, BACKFILL_STORE);
      const synced = await timedSync(context, company, 'bench-backfill');
      const customers = synced.byResource.get('customers')!;
      const sales = synced.byResource.get('sales')!;
      const lineCount = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sale_lines`.execute(company.database.db)).rows[0]!.n);
      linesPerSale = lineCount / sales.records;
      runs.customers.push(customers.records / customers.seconds);
      runs.sales.push(sales.records / sales.seconds);
      runs.lines.push(lineCount / sales.seconds);
      runs.total.push(synced.seconds);
      bytes.push(await databaseBytes(company));
      requests.push({ made: synced.requests, minimum: minimumRequests(await servedPerResource(company)), tooMany: synced.tooMany });
      context.log(`run ${run}: ${synced.result.records} records in ${synced.seconds.toFixed(1)} s (customers ${Math.round(customers.records / customers.seconds)}/s, sales ${Math.round(sales.records / sales.seconds)}/s)`);
      // The last synced database is kept for the requests and incremental scenarios.
      const previous = context.shared.get('synced') as ConnectedCompany | undefined;
      await previous?.database.drop();
      context.shared.set('synced', company);

      const baseline = await copyBaseline(context);
      base.customers.push(baseline.customers);
      base.sales.push(baseline.sales);
      base.readerCustomers.push(baseline.readerCustomers);
      base.readerSales.push(baseline.readerSales);
      ratios.customers.push(runs.customers.at(-1)! / baseline.customers);
      ratios.sales.push(runs.sales.at(-1)! / baseline.sales);
      context.log(`baseline ${run}: COPY customers ${Math.round(baseline.customers)}/s, sales ${Math.round(baseline.sales)}/s`);
    }
    context.shared.set('backfill-requests', requests);
    const ceiling = await emulatorCeiling(context, store.token);
    const size = `${context.spec.customers.toLocaleString('en-US')} customers / ${context.spec.sales.toLocaleString('en-US')} sales`;
    const figures: Figure[] = [
      figure(NAME, `customers through the sync (${size})`, 'records/s', runs.customers),
      figure(NAME, 'customers, raw COPY baseline (same normalized rows, same table)', 'records/s', base.customers),
      figure(NAME, 'customers: sync ÷ baseline', 'ratio', ratios.customers, { target: { op: '>=', value: 0.5, text: '≥ 0.5' } }),
      figure(NAME, `sales with lines and payments through the sync (${linesPerSale.toFixed(2)} lines/sale)`, 'sales/s', runs.sales),
      figure(NAME, 'sale lines through the sync', 'lines/s', runs.lines),
      figure(NAME, 'sales, raw COPY baseline (sales + lines + payments)', 'sales/s', base.sales),
      figure(NAME, 'sales: sync ÷ baseline', 'ratio', ratios.sales, { target: { op: '>=', value: 0.5, text: '≥ 0.5' } }),
      figure(NAME, 'whole backfill (all 7 resources, all hooks)', 's', runs.total),
      figure(NAME, 'database size after the backfill (all tables and indexes of the company)', 'MB', bytes.map((b) => b.total / 2 ** 20)),
      figure(NAME, 'bytes per customer (source customer, persona, identifiers, with indexes)', 'bytes', bytes.map((b) => b.perCustomer)),
      figure(NAME, 'bytes per sale (sale, lines, payments, ledger entries, with indexes)', 'bytes', bytes.map((b) => b.perSale)),
      figure(NAME, 'ceiling: emulator serving customers (page 10,000, fetch + JSON.parse)', 'records/s', ceiling.customers),
      figure(NAME, 'ceiling: emulator serving sales (page 500, fetch + JSON.parse)', 'records/s', ceiling.sales),
      figure(NAME, 'ceiling: connector reading customers (fetch + validate + normalize)', 'records/s', base.readerCustomers),
      figure(NAME, 'ceiling: connector reading sales (fetch + validate + normalize)', 'records/s', base.readerSales),
    ];
    return figures;
  },
};

/**
 * The fastest way we have to load the same rows: read them through the connector (not timed), then
 * COPY them in batches of 10,000 into a fresh database's source_customers / sales / sale_lines /
 * sale_payments. No personas, no points, no upsert checks: the ceiling of the database itself.
 */
async function copyBaseline(context: BenchContext): Promise<{ customers: number; sales: number; readerCustomers: number; readerSales: number }> {
  const company = await connectFresh(context, BACKFILL_STORE);
  const store = context.emulator.store(BACKFILL_STORE);
  const connector = company.deps.connectors['lightspeed-x']!;
  const reader = connector.createReader({ storeAddress: BACKFILL_STORE, token: store.token });
  const client = await company.database.pool.connect();
  const region = (await company.database.db.selectFrom('credentials').select('country').where('id', '=', company.credentialId).executeTakeFirstOrThrow()).country;
  const timing = { customers: { copy: 0, read: 0, records: 0 }, sales: { copy: 0, read: 0, records: 0 } };
  try {
    for (const resource of ['customers', 'sales'] as const) {
      const spent = timing[resource];
      let pending: Array<SourceCustomer | SourceSale> = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const startedAt = performance.now();
        if (resource === 'customers') await copyCustomers(client, company, region, pending as SourceCustomer[]);
        else await copySales(client, company, pending as SourceSale[]);
        spent.copy += performance.now() - startedAt;
        spent.records += pending.length;
        pending = [];
      };
      const pages = reader.pages(resource, 0)[Symbol.asyncIterator]();
      for (;;) {
        const startedAt = performance.now();
        const next = await pages.next();
        spent.read += performance.now() - startedAt;
        if (next.done) break;
        for (const item of next.value.items) if (item.ok) pending.push(item.record as SourceCustomer | SourceSale);
        if (pending.length >= BATCH) await flush();
      }
      await flush();
    }
  } finally {
    client.release();
    await company.database.drop();
  }
  return {
    customers: timing.customers.records / (timing.customers.copy / 1000),
    sales: timing.sales.records / (timing.sales.copy / 1000),
    readerCustomers: timing.customers.records / (timing.customers.read / 1000),
    readerSales: timing.sales.records / (timing.sales.read / 1000),
  };
}

type PoolClient = Parameters<typeof copyRows>[0];

async function copyCustomers(client: PoolClient, company: ConnectedCompany, region: string | null, customers: SourceCustomer[]): Promise<void> {
  const rows: CopyValue[][] = customers.map((c) => [
    company.companyId, company.credentialId, c.externalId, c.customerCode, c.firstName, c.lastName, c.email, c.phone, c.mobile, c.birthDate, c.gender,
    c.companyName, c.emailOptOut, c.smsOptIn, c.loyaltyOptIn, c.customerGroupExternalId, c.address, c.customFields, c.createdAt, c.updatedAt, c.deletedAt,
    c.version, normalizeEmail(c.email),
    [...new Set([normalizePhone(c.mobile, region), normalizePhone(c.phone, region)].filter((phone): phone is string => phone !== null))],
  ]);
  await copyRows(client, 'source_customers', [
    'company_id', 'credential_id', 'external_id', 'customer_code', 'first_name', 'last_name', 'email', 'phone', 'mobile', 'birth_date', 'gender',
    'company_name', 'email_opt_out', 'sms_opt_in', 'loyalty_opt_in', 'customer_group_external_id', 'address', 'custom_fields', 'source_created_at',
    'source_updated_at', 'deleted_at', 'version', 'email_normalized', 'phones_e164',
  ], rows);
}

async function copySales(client: PoolClient, company: ConnectedCompany, sales: SourceSale[]): Promise<void> {
  const saleRows: CopyValue[][] = [];
  const lineRows: CopyValue[][] = [];
  const paymentRows: CopyValue[][] = [];
  for (const s of sales) {
    const id = randomUUID();
    saleRows.push([
      id, company.companyId, company.credentialId, s.externalId, s.customerExternalId, s.locationExternalId, s.registerExternalId, s.staffExternalId,
      s.invoiceNumber, s.state, s.posStatus, s.attributes, s.returnForExternalId, s.totalExclTax, s.totalTax, s.totalInclTax, s.saleDate, s.deletedAt, s.version,
    ]);
    s.lines.forEach((l, position) =>
      lineRows.push([id, position, l.externalId, l.productExternalId, l.quantity, l.unitPriceExclTax, l.unitDiscount, l.unitTax, l.totalExclTax, l.totalTax, l.isReturn, l.status]),
    );
    s.payments.forEach((p, position) => paymentRows.push([id, position, p.externalId, p.method, p.amount, p.paidAt]));
  }
  await copyRows(client, 'sales', [
    'id', 'company_id', 'credential_id', 'external_id', 'customer_external_id', 'location_external_id', 'register_external_id', 'staff_external_id',
    'invoice_number', 'state', 'pos_status', 'attributes', 'return_for_external_id', 'total_excl_tax', 'total_tax', 'total_incl_tax', 'sale_date', 'deleted_at', 'version',
  ], saleRows);
  if (lineRows.length > 0) {
    await copyRows(client, 'sale_lines', ['sale_id', 'position', 'external_id', 'product_external_id', 'quantity', 'unit_price_excl_tax', 'unit_discount', 'unit_tax', 'total_excl_tax', 'total_tax', 'is_return', 'status'], lineRows);
  }
  if (paymentRows.length > 0) await copyRows(client, 'sale_payments', ['sale_id', 'position', 'external_id', 'method', 'amount', 'paid_at'], paymentRows);
}

/** What the emulator serves when nothing but a cursor walk consumes it (one request at a time). */
async function emulatorCeiling(context: BenchContext, token: string): Promise<{ customers: number[]; sales: number[] }> {
  const walk = async (resource: string, pageSize: number) => {
    let after = 0;
    let rows = 0;
    const startedAt = performance.now();
    for (;;) {
      const response = await fetch(`${context.emulator.baseUrl(BACKFILL_STORE)}/api/2.0/${resource}?page_size=${pageSize}&after=${after}`, { headers: { authorization: `Bearer ${token}` } });
      const body = JSON.parse(await response.text()) as { data: unknown[]; version: { max: number | null } };
      if (body.data.length === 0) break;
      rows += body.data.length;
      after = body.version.max!;
    }
    return rows / ((performance.now() - startedAt) / 1000);
  };
  const result = { customers: [] as number[], sales: [] as number[] };
  for (let run = 0; run < context.spec.runs; run++) {
    result.customers.push(await walk('customers', 10_000));
    result.sales.push(await walk('sales', 500));
  }
  return result;
}

/** On-disk size of what a backfill wrote, split into the customer side and the sales side. */
async function databaseBytes(company: ConnectedCompany): Promise<{ perCustomer: number; perSale: number; total: number }> {
  const db = company.database.db;
  const size = async (tables: string[]) =>
    Number((await sql<{ n: string }>`SELECT sum(pg_total_relation_size(t::regclass))::bigint AS n FROM unnest(${tables}::text[]) AS t`.execute(db)).rows[0]!.n);
  const count = async (table: 'source_customers' | 'sales') => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n);
  await sql`VACUUM ANALYZE`.execute(db);
  const customerSide = await size(['source_customers', 'personas', 'persona_identifiers']);
  const saleSide = await size(['sales', 'sale_lines', 'sale_payments', 'loyalty_ledger']);
  const total = Number((await sql<{ n: string }>`SELECT pg_database_size(current_database())::bigint AS n`.execute(db)).rows[0]!.n);
  return { perCustomer: customerSide / (await count('source_customers')), perSale: saleSide / (await count('sales')), total };
}
