import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CredentialScope, WrittenSale } from '../sync/record-writer.ts';

/** A written sale's buyer: the persona its customer belongs to now, and what loyalty needs of that persona. */
export type SaleBuyer = {
  persona_id: string | null;
  age_gate_passed: boolean | null;
  birth_date: string | null;
  email: string | null;
  phone: string | null;
};

const readByPage = new WeakMap<readonly WrittenSale[], Promise<Map<string, SaleBuyer>>>();

/**
 * The buyers of a page of written sales, by customer external id (a customer Patron does not have is
 * absent). Read once per page and shared by the hooks that need it (totals, points): nothing a hook
 * does on a page of sales changes a customer's link or a persona's age gate and contact details, so
 * the second hook would read the same rows again. Keyed by the page's `writtenSales` array, which
 * lives as long as the page's transaction.
 */
export function buyersOfWrittenSales(db: Db, scope: CredentialScope, written: readonly WrittenSale[]): Promise<Map<string, SaleBuyer>> {
  const cached = readByPage.get(written);
  if (cached) return cached;
  const reading = readBuyers(db, scope, written);
  readByPage.set(written, reading);
  return reading;
}

async function readBuyers(db: Db, scope: CredentialScope, written: readonly WrittenSale[]): Promise<Map<string, SaleBuyer>> {
  const customerIds = [...new Set(written.flatMap(({ record }) => (record.customerExternalId ? [record.customerExternalId] : [])))];
  if (customerIds.length === 0) return new Map();
  const buyers = await sql<SaleBuyer & { external_id: string }>`
    SELECT sc.external_id, sc.persona_id, p.age_gate_passed, p.birth_date::text, p.email, p.phone
    FROM source_customers sc LEFT JOIN personas p ON p.id = sc.persona_id
    WHERE sc.credential_id = ${scope.credentialId} AND sc.external_id = ANY(${customerIds}::text[])`.execute(db);
  return new Map(buyers.rows.map(({ external_id, ...buyer }) => [external_id, buyer]));
}
