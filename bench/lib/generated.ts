import { sql } from 'kysely';
import { createStoresFromLocations } from '../../src/stores/retail-stores.ts';
import { refreshFavoriteStores } from '../../src/stores/favorite-store.ts';
import { connectFresh, timedSync, type ConnectedCompany } from './sync-setup.ts';
import type { BenchContext } from './types.ts';

export type Generated = ConnectedCompany & { storeIds: string[]; locationIds: string[]; personas: number; sales: number; setupSeconds: Record<string, number> };

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Oliver', 'Sophia', 'Elijah', 'Isabella', 'James', 'Mia', 'William', 'Amelia', 'Benjamin', 'Harper', 'Lucas', 'Evelyn', 'Henry', 'Abigail', 'Alexander', 'Emily', 'Mason', 'Ella', 'Michael', 'Chloe', 'Ethan', 'Grace', 'Daniel', 'Zoe', 'Jacob'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson'];

/** The phone number generated for persona `i` (E.164, US): the read-path scenario searches for one. */
export const generatedPhone = (i: number) => `+1${String(2_000_000_000 + ((i * 7_919) % 7_999_999_999)).padStart(10, '0')}`;

/**
 * A Patron database with the real schema and `readPersonas` personas / `readSales` sales written
 * straight in SQL (generate_series, deterministic hashes): names from 30 × 30 common names, E.164
 * phones, one linked source customer each, sales over a year at 5 outlets (70 % at the customer's
 * home outlet), 95 % closed, 3 % voided, 1 % returns. The 5 outlets come from a real sync of a tiny
 * emulator store and each feeds one retail store. Aggregates are computed in SQL; favorite stores
 * by the product's refreshFavoriteStores (timed).
 */
export async function generatedData(context: BenchContext): Promise<Generated> {
  const cached = context.shared.get('generated') as Generated | undefined;
  if (cached) return cached;
  const { readPersonas: personas, readSales: sales } = context.spec;
  const prefix = 'bench-read-setup';
  if (!context.emulator.stores.has(prefix)) context.emulator.createStore({ domainPrefix: prefix, customers: 1, sales: 1, outlets: 5, registers: 5, seed: 3 }).setRateLimit({ enabled: false });
  const company = await connectFresh(context, prefix);
  await timedSync(context, company, 'bench-read-setup');
  const db = company.database.db;
  await createStoresFromLocations(db, company.companyId);
  const locations = await sql<{ id: string; external_id: string; retail_store_id: string }>`
    SELECT l.id, l.external_id, m.retail_store_id FROM source_locations l JOIN store_mappings m ON m.source_location_id = l.id
    WHERE l.credential_id = ${company.credentialId} ORDER BY l.name`.execute(db);
  const locationExternal = locations.rows.map((row) => row.external_id);
  const setupSeconds: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const startedAt = performance.now();
    await work();
    setupSeconds[name] = (performance.now() - startedAt) / 1000;
    context.log(`generate ${name}: ${setupSeconds[name]!.toFixed(1)} s`);
  };
  const chunk = 250_000;
  await step('personas + source customers', async () => {
    for (let from = 1; from <= personas; from += chunk) {
      const to = Math.min(personas, from + chunk - 1);
      await sql`
        INSERT INTO personas (id, company_id, first_name, last_name, email, phone, age_gate_passed, sourced_from, created_at)
        SELECT md5('persona' || i)::uuid, ${company.companyId}::uuid, f.name, l.name,
          lower(f.name || '.' || l.name || i || '@example.test'),
          '+1' || lpad((2000000000 + (i::bigint * 7919) % 7999999999)::text, 10, '0'),
          true, '{lightspeed-x}', now() - (abs(hashint4(i * 13)) % 1000) * interval '1 day'
        FROM generate_series(${from}::int, ${to}::int) AS i
        CROSS JOIN LATERAL (SELECT (${FIRST}::text[])[1 + abs(hashint4(i)) % ${FIRST.length}] AS name) f
        CROSS JOIN LATERAL (SELECT (${LAST}::text[])[1 + abs(hashint4(i + 7)) % ${LAST.length}] AS name) l`.execute(db);
      await sql`
        INSERT INTO source_customers (company_id, credential_id, external_id, first_name, last_name, email, phone, version, persona_id, email_normalized, phones_e164, loyalty_opt_in)
        SELECT p.company_id, ${company.credentialId}::uuid, 'gen-c' || i, p.first_name, p.last_name, p.email, p.phone, i, p.id, p.email, ARRAY[p.phone], true
        FROM generate_series(${from}::int, ${to}::int) AS i JOIN personas p ON p.id = md5('persona' || i)::uuid`.execute(db);
    }
  });
  await step('sales', async () => {
    for (let from = 1; from <= sales; from += chunk * 2) {
      const to = Math.min(sales, from + chunk * 2 - 1);
      await sql`
        INSERT INTO sales (company_id, credential_id, external_id, customer_external_id, location_external_id, invoice_number, state, pos_status,
          return_for_external_id, total_excl_tax, total_tax, total_incl_tax, sale_date, version)
        SELECT ${company.companyId}::uuid, ${company.credentialId}::uuid, 'gen-s' || g.i, 'gen-c' || g.c,
          (${locationExternal}::text[])[1 + CASE WHEN abs(hashint4(g.i * 3)) % 10 < 7 THEN g.c % 5 ELSE abs(hashint4(g.i * 5)) % 5 END],
          'INV-' || g.i,
          CASE WHEN g.kind < 95 THEN 'closed' WHEN g.kind < 98 THEN 'voided' ELSE 'parked' END,
          CASE WHEN g.kind < 95 THEN 'CLOSED' WHEN g.kind < 98 THEN 'VOIDED' ELSE 'SAVED' END,
          CASE WHEN g.kind = 94 AND g.i > 1 THEN 'gen-s' || (g.i - 1) END,
          round(g.amount / 1.1, 2) * g.sign, round(g.amount - g.amount / 1.1, 2) * g.sign, g.amount * g.sign,
          now() - (abs(hashint4(g.i * 11)) % 31536000) * interval '1 second', g.i
        FROM (
          SELECT i, 1 + abs(hashint4(i * 17)) % ${personas}::int AS c, abs(hashint4(i * 19)) % 100 AS kind,
            (1 + abs(hashint4(i * 7)) % 20000) / 100.0 AS amount, CASE WHEN abs(hashint4(i * 19)) % 100 = 94 THEN -1 ELSE 1 END AS sign
          FROM generate_series(${from}::int, ${to}::int) AS i
        ) g`.execute(db);
    }
  });
  await step('aggregates (SQL)', () =>
    sql`
      UPDATE personas p SET lifetime_spend = a.spend, visits = a.visits, first_visit_at = a.first_visit, last_visit_at = a.last_visit
      FROM (
        SELECT sc.persona_id, sum(s.total_incl_tax) AS spend, count(*) FILTER (WHERE s.return_for_external_id IS NULL) AS visits,
          min(s.sale_date) FILTER (WHERE s.return_for_external_id IS NULL) AS first_visit, max(s.sale_date) FILTER (WHERE s.return_for_external_id IS NULL) AS last_visit
        FROM sales s JOIN source_customers sc ON sc.credential_id = s.credential_id AND sc.external_id = s.customer_external_id
        WHERE s.credential_id = ${company.credentialId} AND s.state = 'closed'
        GROUP BY sc.persona_id
      ) a WHERE p.id = a.persona_id`.execute(db),
  );
  await step('vacuum analyze', () => sql`VACUUM ANALYZE`.execute(db));
  // Every persona's favorite store by the product's own function, 10,000 personas per call.
  await step('favorite stores', async () => {
    for (let from = 1; from <= personas; from += 10_000) {
      const ids = await sql<{ id: string }>`SELECT md5('persona' || i)::uuid AS id FROM generate_series(${from}::int, ${Math.min(personas, from + 9_999)}::int) AS i`.execute(db);
      await refreshFavoriteStores(db, ids.rows.map((row) => row.id));
    }
  });
  await step('vacuum analyze again', () => sql`VACUUM ANALYZE`.execute(db));
  // The generation leaves up to shared_buffers of dirty pages (2 GB on the embedded server, change 30),
  // which the checkpointer would otherwise write out during the measurements that follow. A role
  // without the right (BENCH_DATABASE_URL) measures with them.
  await step('checkpoint', () =>
    sql`CHECKPOINT`.execute(db).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '42501') throw error;
      context.log('CHECKPOINT is not allowed to this role: the generated pages may still be written out during the measurements');
    }),
  );
  const generated: Generated = {
    ...company,
    storeIds: [...new Set(locations.rows.map((row) => row.retail_store_id))],
    locationIds: locations.rows.map((row) => row.id),
    personas,
    sales,
    setupSeconds,
  };
  context.shared.set('generated', generated);
  return generated;
}
