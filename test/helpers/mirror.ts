import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { Store } from '../../emulator/index.ts';

/**
 * Compares what Patron holds for one credential with the emulator store's current truth, record by
 * record, and lists every difference. An empty list means an exact mirror.
 */
export async function mirrorDifferences(db: Db, credentialId: string, store: Store): Promise<{ compared: number; differences: string[] }> {
  const differences: string[] = [];
  let compared = 0;

  const customers = store.snapshot('customers', { includeDeleted: true });
  const ours = await db
    .selectFrom('source_customers')
    .select(['external_id', 'email', 'first_name', 'last_name', 'phone', 'mobile', 'email_opt_out', 'version', 'deleted_at'])
    .where('credential_id', '=', credentialId)
    .execute();
  const ourCustomers = new Map(ours.map((row) => [row.external_id, row]));
  if (ours.length !== customers.length) differences.push(`customers: ${ours.length} in Patron, ${customers.length} in the store`);
  for (const theirs of customers) {
    compared++;
    const mine = ourCustomers.get(String(theirs.id));
    if (!mine) {
      differences.push(`customer ${String(theirs.id)} missing`);
      continue;
    }
    const expect = (field: string, actual: unknown, expected: unknown) => {
      if (actual !== expected) differences.push(`customer ${String(theirs.id)} ${field}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    };
    expect('version', mine.version, Number(theirs.version));
    expect('email', mine.email, blank(theirs.email));
    expect('first_name', mine.first_name, blank(theirs.first_name));
    expect('last_name', mine.last_name, blank(theirs.last_name));
    expect('phone', mine.phone, blank(theirs.phone));
    expect('mobile', mine.mobile, blank(theirs.mobile));
    expect('email_opt_out', mine.email_opt_out, Boolean(theirs.do_not_email));
    expect('deleted', mine.deleted_at !== null, theirs.deleted_at !== null && theirs.deleted_at !== undefined);
  }

  const sales = store.snapshot('sales', { includeDeleted: true });
  const ourSales = await sql<{ external_id: string; customer_external_id: string | null; state: string; total_incl: string; version: number; deleted: boolean; lines: number; payments: number }>`
    SELECT s.external_id, s.customer_external_id, s.state, s.total_incl_tax::text AS total_incl, s.version, s.deleted_at IS NOT NULL AS deleted,
      (SELECT count(*)::int FROM sale_lines l WHERE l.sale_id = s.id) AS lines,
      (SELECT count(*)::int FROM sale_payments p WHERE p.sale_id = s.id) AS payments
    FROM sales s WHERE s.credential_id = ${credentialId}`.execute(db);
  const mineById = new Map(ourSales.rows.map((row) => [row.external_id, row]));
  if (ourSales.rows.length !== sales.length) differences.push(`sales: ${ourSales.rows.length} in Patron, ${sales.length} in the store`);
  for (const theirs of sales) {
    compared++;
    const mine = mineById.get(String(theirs.id));
    if (!mine) {
      differences.push(`sale ${String(theirs.id)} missing`);
      continue;
    }
    const expect = (field: string, actual: unknown, expected: unknown) => {
      if (actual !== expected) differences.push(`sale ${String(theirs.id)} ${field}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    };
    expect('version', mine.version, Number(theirs.version));
    expect('customer', mine.customer_external_id, theirs.customer_id ?? null);
    const total = Number(theirs.total_price) + Number(theirs.total_tax);
    if (Math.abs(Number(mine.total_incl) - total) > 0.00005) differences.push(`sale ${String(theirs.id)} total: ${mine.total_incl} ≠ ${total}`);
    expect('lines', mine.lines, (theirs.line_items as unknown[]).length);
    expect('payments', mine.payments, (theirs.payments as Array<{ deleted_at?: unknown }>).filter((p) => !p.deleted_at).length);
    expect('deleted', mine.deleted, theirs.deleted_at !== null && theirs.deleted_at !== undefined);
  }
  return { compared, differences };
}

function blank(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}
