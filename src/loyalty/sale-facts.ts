import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SaleState } from '../sync/source-records.ts';
import type { CredentialScope, WrittenSale } from '../sync/record-writer.ts';
import { buyersOfWrittenSales } from '../personas/sale-buyers.ts';

/** What reconciling a sale's points needs to know about the sale, its original (for a return) and its buyer's persona. */
export type SaleFacts = {
  id: string;
  version: number;
  state: SaleState;
  deleted: boolean;
  attributes: string[];
  /** Amounts as decimal text, exactly as stored. */
  total_excl_tax: string;
  total_incl_tax: string;
  sale_date: Date | null;
  /** The sale a return gives back items of, when Patron has it. */
  original_id: string | null;
  is_return: boolean;
  persona_id: string | null;
  age_gate_passed: boolean | null;
  birth_date: string | null;
  email: string | null;
  phone: string | null;
  /** The connection's own loyalty start date, which overrides the program's. */
  start_override: string | null;
};

/** These sales' facts, read from the database (sales of other companies are left out). */
export async function loadSaleFacts(db: Db, companyId: string, saleIds: string[]): Promise<SaleFacts[]> {
  if (saleIds.length === 0) return [];
  const sales = await sql<SaleFacts>`
    SELECT s.id, s.version, s.state, s.deleted_at IS NOT NULL AS deleted, s.attributes, s.total_excl_tax::text, s.total_incl_tax::text, s.sale_date,
      o.id AS original_id, s.return_for_external_id IS NOT NULL AS is_return,
      sc.persona_id, p.age_gate_passed, p.birth_date::text, p.email, p.phone, k.loyalty_start_date::text AS start_override
    FROM sales s
    JOIN credentials c ON c.id = s.credential_id
    JOIN connections k ON k.id = c.connection_id
    LEFT JOIN source_customers sc ON sc.credential_id = s.credential_id AND sc.external_id = s.customer_external_id
    LEFT JOIN personas p ON p.id = sc.persona_id
    LEFT JOIN sales o ON o.credential_id = s.credential_id AND o.external_id = s.return_for_external_id
    WHERE s.id = ANY(${saleIds}::uuid[]) AND s.company_id = ${companyId}`.execute(db);
  return sales.rows;
}

/**
 * The facts of the sales a synced page just wrote. The sale itself comes from the record (the row
 * holds exactly that now), so only what lies outside the page is read: the buyers' personas (shared
 * with the totals, see buyersOfWrittenSales), the originals of returns, and the connection's start
 * date. Reading the page's rows back instead costs a join of every sale with its customer, persona
 * and connection, for values already in memory.
 */
export async function writtenSaleFacts(db: Db, scope: CredentialScope, written: WrittenSale[]): Promise<SaleFacts[]> {
  if (written.length === 0) return [];
  const buyerOf = await buyersOfWrittenSales(db, scope, written);
  const originalIds = [...new Set(written.flatMap(({ record }) => (record.returnForExternalId ? [record.returnForExternalId] : [])))];
  const originals =
    originalIds.length === 0
      ? []
      : (
          await sql<{ id: string; external_id: string }>`
            SELECT id, external_id FROM sales WHERE credential_id = ${scope.credentialId} AND external_id = ANY(${originalIds}::text[])`.execute(db)
        ).rows;
  const originalOf = new Map(originals.map((original) => [original.external_id, original.id]));
  const connection = await sql<{ start_override: string | null }>`
    SELECT k.loyalty_start_date::text AS start_override FROM credentials c JOIN connections k ON k.id = c.connection_id WHERE c.id = ${scope.credentialId}`.execute(db);
  const startOverride = connection.rows[0]?.start_override ?? null;

  return written.map(({ id, record, storedSaleDate }) => {
    const buyer = record.customerExternalId ? buyerOf.get(record.customerExternalId) : undefined;
    return {
      id,
      version: record.version,
      state: record.state,
      deleted: record.deletedAt !== null,
      attributes: record.attributes,
      // The same text the row's numeric was parsed from, so the same value.
      total_excl_tax: String(record.totalExclTax),
      total_incl_tax: String(record.totalInclTax),
      sale_date: storedSaleDate,
      original_id: record.returnForExternalId ? (originalOf.get(record.returnForExternalId) ?? null) : null,
      is_return: record.returnForExternalId !== null,
      persona_id: buyer?.persona_id ?? null,
      age_gate_passed: buyer?.age_gate_passed ?? null,
      birth_date: buyer?.birth_date ?? null,
      email: buyer?.email ?? null,
      phone: buyer?.phone ?? null,
      start_override: startOverride,
    };
  });
}
