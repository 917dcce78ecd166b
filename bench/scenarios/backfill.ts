import { sql } from 'kysely';
import { copyTableBetween } from '../lib/copy-between.ts';
import { figure } from '../lib/stats.ts';
import { backfillStore, BACKFILL_STORE, connectFresh, keepSynced, minimumRequests, servedPerResource, timedSync, type ConnectedCompany } from '../lib/sync-setup.ts';
import type { BenchContext, Figure, Scenario } from '../lib/types.ts';

const NAME = 'backfill';

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
    const base = { customers: [] as number[], sales: [] as number[], sourceCustomers: [] as number[], sourceSales: [] as number[] };
    const reader = { customers: [] as number[], sales: [] as number[] };
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

      const baseline = await endStateBaseline(context, company);
      base.customers.push(baseline.customers);
      base.sales.push(baseline.sales);
      base.sourceCustomers.push(baseline.sourceCustomers);
      base.sourceSales.push(baseline.sourceSales);
      ratios.customers.push(runs.customers.at(-1)! / baseline.customers);
      ratios.sales.push(runs.sales.at(-1)! / baseline.sales);
      context.log(
        `baseline ${run}: COPY of the end state: customers ${Math.round(baseline.customers)}/s, sales ${Math.round(baseline.sales)}/s; ` +
          `source tables only: customers ${Math.round(baseline.sourceCustomers)}/s, sales ${Math.round(baseline.sourceSales)}/s`,
      );
      // The last synced database is kept for the requests and incremental scenarios.
      await keepSynced(context, company);

      const read = await readerCeiling(context, company);
      reader.customers.push(read.customers);
      reader.sales.push(read.sales);
    }
    context.shared.set('backfill-requests', requests);
    const ceiling = await emulatorCeiling(context, store.token);
    const size = `${context.spec.customers.toLocaleString('en-US')} customers / ${context.spec.sales.toLocaleString('en-US')} sales`;
    const figures: Figure[] = [
      figure(NAME, `customers through the sync (${size})`, 'records/s', runs.customers),
      figure(NAME, 'customers, COPY baseline (the same rows the sync wrote, into the same tables: source customers, personas, identifiers, merges)', 'records/s', base.customers),
      figure(NAME, 'customers: sync ÷ baseline', 'ratio', ratios.customers, { target: { op: '>=', value: 0.5, text: '≥ 0.5' } }),
      figure(NAME, 'customers, COPY of the source table alone (no personas)', 'records/s', base.sourceCustomers),
      figure(NAME, 'customers: sync ÷ source-table COPY', 'ratio', ratios.customers.map((ratio, i) => (ratio * base.customers[i]!) / base.sourceCustomers[i]!)),
      figure(NAME, `sales with lines and payments through the sync (${linesPerSale.toFixed(2)} lines/sale)`, 'sales/s', runs.sales),
      figure(NAME, 'sale lines through the sync', 'lines/s', runs.lines),
      figure(NAME, 'sales, COPY baseline (the same rows the sync wrote, into the same tables: sales, lines, payments, loyalty ledger)', 'sales/s', base.sales),
      figure(NAME, 'sales: sync ÷ baseline', 'ratio', ratios.sales, { target: { op: '>=', value: 0.5, text: '≥ 0.5' } }),
      figure(NAME, 'sales, COPY of the source tables alone (sales + lines + payments, no points)', 'sales/s', base.sourceSales),
      figure(NAME, 'sales: sync ÷ source-table COPY', 'ratio', ratios.sales.map((ratio, i) => (ratio * base.sales[i]!) / base.sourceSales[i]!)),
      figure(NAME, 'whole backfill (all 7 resources, all hooks)', 's', runs.total),
      figure(NAME, 'database size after the backfill (all tables and indexes of the company)', 'MB', bytes.map((b) => b.total / 2 ** 20)),
      figure(NAME, 'bytes per customer (source customer, persona, search row, identifiers, with indexes)', 'bytes', bytes.map((b) => b.perCustomer)),
      figure(NAME, 'bytes per sale (sale, lines, payments, ledger entries, with indexes)', 'bytes', bytes.map((b) => b.perSale)),
      figure(NAME, 'ceiling: emulator serving customers (page 10,000, fetch + JSON.parse)', 'records/s', ceiling.customers),
      figure(NAME, 'ceiling: emulator serving sales (page 500, fetch + JSON.parse)', 'records/s', ceiling.sales),
      figure(NAME, 'ceiling: connector reading customers (reader thread: fetch + validate + normalize, handed over)', 'records/s', reader.customers),
      figure(NAME, 'ceiling: connector reading sales (reader thread: fetch + validate + normalize, handed over)', 'records/s', reader.sales),
    ];
    return figures;
  },
};

/**
 * The fastest way PostgreSQL allows to reach the state the sync left: every row the sync wrote, in
 * every table it wrote, COPYed in batches of 10,000 into a fresh database. The customer side is the
 * source customers, their personas (with the totals the sales phase gave them), identifiers and merge
 * records; the sale side is sales, lines, payments and loyalty ledger entries. The source tables alone
 * are timed too: the ceiling of storing the POS's rows with no personas and no points at all.
 */
async function endStateBaseline(context: BenchContext, synced: ConnectedCompany): Promise<{ customers: number; sales: number; sourceCustomers: number; sourceSales: number }> {
  const fresh = await connectFresh(context, BACKFILL_STORE);
  const client = await fresh.database.pool.connect();
  const ids = { company_id: fresh.companyId, credential_id: fresh.credentialId };
  const copyMs = new Map<string, number>();
  const copy = async (table: string, orderBy?: string) => {
    const copied = await copyTableBetween(synced.database.url, client, table, { ids, orderBy });
    copyMs.set(table, copied.copyMs);
  };
  try {
    // Survivors of merges before the personas merged into them (merged_into is a foreign key). The
    // personas' triggers write their search rows and counters, as they do for the sync.
    await copy('personas', 'merged_into NULLS FIRST');
    for (const table of ['source_customers', 'persona_identifiers', 'persona_merges', 'sales', 'sale_lines', 'sale_payments', 'loyalty_ledger']) await copy(table);
  } finally {
    client.release();
    await fresh.database.drop();
  }
  const seconds = (tables: string[]) => tables.reduce((sum, table) => sum + copyMs.get(table)!, 0) / 1000;
  const count = async (table: 'source_customers' | 'sales') => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(synced.database.db)).rows[0]!.n);
  const customers = await count('source_customers');
  const sales = await count('sales');
  return {
    customers: customers / seconds(['personas', 'source_customers', 'persona_identifiers', 'persona_merges']),
    sales: sales / seconds(['sales', 'sale_lines', 'sale_payments', 'loyalty_ledger']),
    sourceCustomers: customers / seconds(['source_customers']),
    sourceSales: sales / seconds(['sales', 'sale_lines', 'sale_payments']),
  };
}

/**
 * What the product's reader alone sustains: fetch, validate and normalize every page, nothing written.
 * It reads with the connection of the company just synced; reading writes nothing to it.
 */
async function readerCeiling(context: BenchContext, company: ConnectedCompany): Promise<{ customers: number; sales: number }> {
  const store = context.emulator.store(BACKFILL_STORE);
  const reader = company.connectors['lightspeed-x']!.createReader({ storeAddress: BACKFILL_STORE, token: store.token });
  const rate = async (resource: 'customers' | 'sales') => {
    let records = 0;
    const startedAt = performance.now();
    for await (const page of reader.pages(resource, 0)) records += page.items.length;
    return records / ((performance.now() - startedAt) / 1000);
  };
  return { customers: await rate('customers'), sales: await rate('sales') };
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
  const customerSide = await size(['source_customers', 'personas', 'persona_search', 'persona_identifiers']);
  const saleSide = await size(['sales', 'sale_lines', 'sale_payments', 'loyalty_ledger']);
  const total = Number((await sql<{ n: string }>`SELECT pg_database_size(current_database())::bigint AS n`.execute(db)).rows[0]!.n);
  return { perCustomer: customerSide / (await count('source_customers')), perSale: saleSide / (await count('sales')), total };
}
