import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { normalizeEmail, normalizePhone } from '../personas/identifiers.ts';
import type {
  SourceCustomer,
  SourceCustomerGroup,
  SourceLocation,
  SourceProduct,
  SourceRecord,
  SourceRegister,
  SourceSale,
  SourceStaff,
} from './source-records.ts';

type Trx = Transaction<Database>;

/** Whose records these are, and what the core needs to read them (the store's country for phones). */
export type CredentialScope = { credentialId: string; companyId: string; region: string | null };

/**
 * What a page write changed. `customersTouched` are the external ids of a page of customers, whose
 * personas may need another look (a page of sales tells its buyers through `writtenSales` and
 * `customersOfReplacedSales` instead).
 */
export type WriteOutcome = {
  changed: number;
  customersTouched: string[];
  /** For a page of sales: every sale it wrote (new, or a newer version of a stored one). */
  writtenSales?: WrittenSale[];
  /** Old and new buyers of the sales that replaced an earlier version. */
  customersOfReplacedSales?: string[];
};

/**
 * A sale as this page wrote it: its row id and the record, which is now exactly what the row holds,
 * so the hooks read the sale from here instead of reading the row back. `existed` tells a sale seen
 * for the first time (it only adds to its buyer's totals, and no ledger entry can name its new id
 * yet) from one that replaced an earlier version (its buyers' totals are recomputed).
 */
export type WrittenSale = {
  id: string;
  record: SourceSale;
  existed: boolean;
  /** The sale date as PostgreSQL read the record's text: the value to compare, in any time zone. */
  storedSaleDate: Date | null;
};

/**
 * Writes one page of normalized records. Each kind goes in a single statement that reads the page
 * as JSON (`jsonb_to_recordset`): one round trip per page, no parameter limit. A row only changes
 * when the incoming version is newer, so a repeated page changes nothing. JSON arrays arrive straight
 * in text[] columns (`jsonb_to_recordset` converts them), which is cheaper than a subquery per row.
 */
export async function writeRecords(trx: Trx, scope: CredentialScope, records: SourceRecord[]): Promise<WriteOutcome> {
  if (records.length === 0) return { changed: 0, customersTouched: [] };
  const only = (changed: number): WriteOutcome => ({ changed, customersTouched: [] });
  const kind = records[0]!.kind;
  switch (kind) {
    case 'location':
      return only(await writeLocations(trx, scope, records as SourceLocation[]));
    case 'register':
      return only(await writeRegisters(trx, scope, records as SourceRegister[]));
    case 'staff':
      return only(await writeStaff(trx, scope, records as SourceStaff[]));
    case 'customer_group':
      return only(await writeCustomerGroups(trx, scope, records as SourceCustomerGroup[]));
    case 'product':
      return only(await writeProducts(trx, scope, records as SourceProduct[]));
    case 'customer':
      return writeCustomers(trx, scope, records as SourceCustomer[]);
    case 'sale':
      return writeSales(trx, scope, records as SourceSale[]);
  }
}

/**
 * Within one page the same record may appear twice (an edit during the scan); the last one, with
 * the highest version, is the one to keep — Postgres refuses to update a row twice in one statement.
 */
function latestPerId<T extends { externalId: string; version: number }>(records: T[]): T[] {
  const byId = new Map<string, T>();
  for (const record of records) {
    const seen = byId.get(record.externalId);
    if (!seen || record.version > seen.version) byId.set(record.externalId, record);
  }
  return [...byId.values()];
}

const json = (rows: unknown[]) => JSON.stringify(rows);

async function writeLocations(trx: Trx, scope: CredentialScope, records: SourceLocation[]): Promise<number> {
  const rows = latestPerId(records).map((r) => ({ external_id: r.externalId, name: r.name, time_zone: r.timeZone, address: r.address, deleted_at: r.deletedAt, version: r.version }));
  const result = await sql`
    INSERT INTO source_locations (company_id, credential_id, external_id, name, time_zone, address, deleted_at, version)
    SELECT ${scope.companyId}::uuid, ${scope.credentialId}::uuid, r.external_id, r.name, r.time_zone, r.address, r.deleted_at, r.version
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, name text, time_zone text, address jsonb, deleted_at timestamptz, version bigint)
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      name = excluded.name, time_zone = excluded.time_zone, address = excluded.address,
      deleted_at = excluded.deleted_at, version = excluded.version, synced_at = now()
    WHERE source_locations.version < excluded.version`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

async function writeRegisters(trx: Trx, scope: CredentialScope, records: SourceRegister[]): Promise<number> {
  const rows = latestPerId(records).map((r) => ({ external_id: r.externalId, name: r.name, location_external_id: r.locationExternalId, deleted_at: r.deletedAt, version: r.version }));
  const result = await sql`
    INSERT INTO source_registers (credential_id, external_id, name, location_external_id, deleted_at, version)
    SELECT ${scope.credentialId}::uuid, r.external_id, r.name, r.location_external_id, r.deleted_at, r.version
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, name text, location_external_id text, deleted_at timestamptz, version bigint)
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      name = excluded.name, location_external_id = excluded.location_external_id, deleted_at = excluded.deleted_at, version = excluded.version
    WHERE source_registers.version < excluded.version`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

async function writeStaff(trx: Trx, scope: CredentialScope, records: SourceStaff[]): Promise<number> {
  const rows = latestPerId(records).map((r) => ({
    external_id: r.externalId, username: r.username, display_name: r.displayName, email: r.email, account_type: r.accountType, deleted_at: r.deletedAt, version: r.version,
  }));
  const result = await sql`
    INSERT INTO source_staff (credential_id, external_id, username, display_name, email, account_type, deleted_at, version)
    SELECT ${scope.credentialId}::uuid, r.external_id, r.username, r.display_name, r.email, r.account_type, r.deleted_at, r.version
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, username text, display_name text, email text, account_type text, deleted_at timestamptz, version bigint)
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      username = excluded.username, display_name = excluded.display_name, email = excluded.email,
      account_type = excluded.account_type, deleted_at = excluded.deleted_at, version = excluded.version
    WHERE source_staff.version < excluded.version`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

async function writeCustomerGroups(trx: Trx, scope: CredentialScope, records: SourceCustomerGroup[]): Promise<number> {
  const rows = latestPerId(records).map((r) => ({ external_id: r.externalId, name: r.name, group_code: r.code, deleted_at: r.deletedAt, version: r.version }));
  const result = await sql`
    INSERT INTO source_customer_groups (credential_id, external_id, name, group_code, deleted_at, version)
    SELECT ${scope.credentialId}::uuid, r.external_id, r.name, r.group_code, r.deleted_at, r.version
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, name text, group_code text, deleted_at timestamptz, version bigint)
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      name = excluded.name, group_code = excluded.group_code, deleted_at = excluded.deleted_at, version = excluded.version
    WHERE source_customer_groups.version < excluded.version`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

async function writeProducts(trx: Trx, scope: CredentialScope, records: SourceProduct[]): Promise<number> {
  const rows = latestPerId(records).map((r) => ({ external_id: r.externalId, name: r.name, sku: r.sku, deleted_at: r.deletedAt, version: r.version }));
  const result = await sql`
    INSERT INTO source_products (credential_id, external_id, name, sku, deleted_at, version)
    SELECT ${scope.credentialId}::uuid, r.external_id, r.name, r.sku, r.deleted_at, r.version
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, name text, sku text, deleted_at timestamptz, version bigint)
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      name = excluded.name, sku = excluded.sku, deleted_at = excluded.deleted_at, version = excluded.version
    WHERE source_products.version < excluded.version`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

export async function writeCustomers(trx: Trx, scope: CredentialScope, records: SourceCustomer[]): Promise<WriteOutcome> {
  const latest = latestPerId(records);
  const rows = latest.map((r) => ({
    external_id: r.externalId,
    customer_code: r.customerCode,
    first_name: r.firstName,
    last_name: r.lastName,
    email: r.email,
    phone: r.phone,
    mobile: r.mobile,
    birth_date: r.birthDate,
    gender: r.gender,
    company_name: r.companyName,
    email_opt_out: r.emailOptOut,
    sms_opt_in: r.smsOptIn,
    loyalty_opt_in: r.loyaltyOptIn,
    customer_group_external_id: r.customerGroupExternalId,
    address: r.address,
    custom_fields: r.customFields,
    source_created_at: r.createdAt,
    source_updated_at: r.updatedAt,
    deleted_at: r.deletedAt,
    version: r.version,
    email_normalized: normalizeEmail(r.email),
    phones_e164: [...new Set([normalizePhone(r.mobile, scope.region), normalizePhone(r.phone, scope.region)].filter((phone) => phone !== null))],
  }));
  const result = await sql`
    INSERT INTO source_customers (company_id, credential_id, external_id, customer_code, first_name, last_name, email, phone, mobile,
      birth_date, gender, company_name, email_opt_out, sms_opt_in, loyalty_opt_in, customer_group_external_id, address, custom_fields,
      source_created_at, source_updated_at, deleted_at, version, email_normalized, phones_e164)
    SELECT ${scope.companyId}::uuid, ${scope.credentialId}::uuid, r.external_id, r.customer_code, r.first_name, r.last_name, r.email, r.phone, r.mobile,
      r.birth_date, r.gender, r.company_name, r.email_opt_out, r.sms_opt_in, r.loyalty_opt_in, r.customer_group_external_id, r.address, r.custom_fields,
      r.source_created_at, r.source_updated_at, r.deleted_at, r.version, r.email_normalized, r.phones_e164
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, customer_code text, first_name text, last_name text, email text, phone text,
      mobile text, birth_date date, gender text, company_name text, email_opt_out boolean, sms_opt_in boolean, loyalty_opt_in boolean,
      customer_group_external_id text, address jsonb, custom_fields jsonb, source_created_at timestamptz, source_updated_at timestamptz,
      deleted_at timestamptz, version bigint, email_normalized text, phones_e164 text[])
    ON CONFLICT (credential_id, external_id) DO UPDATE SET
      customer_code = excluded.customer_code, first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
      phone = excluded.phone, mobile = excluded.mobile, birth_date = excluded.birth_date, gender = excluded.gender,
      company_name = excluded.company_name, email_opt_out = excluded.email_opt_out, sms_opt_in = excluded.sms_opt_in,
      loyalty_opt_in = excluded.loyalty_opt_in, customer_group_external_id = excluded.customer_group_external_id,
      address = excluded.address, custom_fields = excluded.custom_fields, source_created_at = excluded.source_created_at,
      source_updated_at = excluded.source_updated_at, deleted_at = excluded.deleted_at, version = excluded.version,
      email_normalized = excluded.email_normalized, phones_e164 = excluded.phones_e164, synced_at = now()
    WHERE source_customers.version < excluded.version`.execute(trx);
  return { changed: Number(result.numAffectedRows ?? 0), customersTouched: latest.map((record) => record.externalId) };
}

/**
 * Sales, with their lines and payments replaced whenever the sale itself changed: Lightspeed sends
 * a sale whole, so the newest version's lines are the truth.
 */
export async function writeSales(trx: Trx, scope: CredentialScope, records: SourceSale[]): Promise<WriteOutcome> {
  const latest = latestPerId(records);
  const rows = latest.map((r) => ({
    external_id: r.externalId,
    customer_external_id: r.customerExternalId,
    location_external_id: r.locationExternalId,
    register_external_id: r.registerExternalId,
    staff_external_id: r.staffExternalId,
    invoice_number: r.invoiceNumber,
    state: r.state,
    pos_status: r.posStatus,
    attributes: r.attributes,
    return_for_external_id: r.returnForExternalId,
    total_excl_tax: r.totalExclTax,
    total_tax: r.totalTax,
    total_incl_tax: r.totalInclTax,
    sale_date: r.saleDate,
    deleted_at: r.deletedAt,
    version: r.version,
  }));
  // One statement: `previous` reads the rows as they were before this write (every part of a WITH
  // sees the same snapshot), so the upsert also tells which sales already existed and who bought
  // them — a sale moved to another customer (a merge) changes both customers' totals.
  const changed = await sql<{ id: string; external_id: string; sale_date: Date | null; existed: boolean; previous_customer: string | null }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(external_id text, customer_external_id text, location_external_id text,
        register_external_id text, staff_external_id text, invoice_number text, state text, pos_status text, attributes text[],
        return_for_external_id text, total_excl_tax numeric, total_tax numeric, total_incl_tax numeric, sale_date timestamptz,
        deleted_at timestamptz, version bigint)
    ),
    previous AS (
      SELECT s.external_id, s.customer_external_id FROM sales s
      WHERE s.credential_id = ${scope.credentialId} AND s.external_id IN (SELECT external_id FROM input)
    ),
    written AS (
      INSERT INTO sales (company_id, credential_id, external_id, customer_external_id, location_external_id, register_external_id, staff_external_id,
        invoice_number, state, pos_status, attributes, return_for_external_id, total_excl_tax, total_tax, total_incl_tax, sale_date, deleted_at, version)
      SELECT ${scope.companyId}::uuid, ${scope.credentialId}::uuid, r.external_id, r.customer_external_id, r.location_external_id, r.register_external_id,
        r.staff_external_id, r.invoice_number, r.state, r.pos_status, r.attributes, r.return_for_external_id,
        r.total_excl_tax, r.total_tax, r.total_incl_tax, r.sale_date, r.deleted_at, r.version
      FROM input r
      ON CONFLICT (credential_id, external_id) DO UPDATE SET
        customer_external_id = excluded.customer_external_id, location_external_id = excluded.location_external_id,
        register_external_id = excluded.register_external_id, staff_external_id = excluded.staff_external_id,
        invoice_number = excluded.invoice_number, state = excluded.state, pos_status = excluded.pos_status, attributes = excluded.attributes,
        return_for_external_id = excluded.return_for_external_id, total_excl_tax = excluded.total_excl_tax, total_tax = excluded.total_tax,
        total_incl_tax = excluded.total_incl_tax, sale_date = excluded.sale_date, deleted_at = excluded.deleted_at, version = excluded.version,
        synced_at = now()
      WHERE sales.version < excluded.version
      RETURNING id, external_id, sale_date
    )
    SELECT w.id, w.external_id, w.sale_date, p.external_id IS NOT NULL AS existed, p.customer_external_id AS previous_customer
    FROM written w LEFT JOIN previous p ON p.external_id = w.external_id`.execute(trx);
  if (changed.rows.length === 0) return { changed: 0, customersTouched: [] };

  const saleIdByExternal = new Map(changed.rows.map((row) => [row.external_id, row.id]));
  // A new version of a sale brings all its lines and payments; a sale seen for the first time has none to replace.
  const replacedIds = changed.rows.filter((row) => row.existed).map((row) => row.id);
  if (replacedIds.length > 0) {
    await sql`DELETE FROM sale_lines WHERE sale_id = ANY(${replacedIds}::uuid[])`.execute(trx);
    await sql`DELETE FROM sale_payments WHERE sale_id = ANY(${replacedIds}::uuid[])`.execute(trx);
  }
  const lines: Record<string, unknown>[] = [];
  const payments: Record<string, unknown>[] = [];
  for (const sale of latest) {
    const saleId = saleIdByExternal.get(sale.externalId);
    if (!saleId) continue;
    sale.lines.forEach((line, position) =>
      lines.push({
        sale_id: saleId, position, external_id: line.externalId, product_external_id: line.productExternalId, quantity: line.quantity,
        unit_price_excl_tax: line.unitPriceExclTax, unit_discount: line.unitDiscount, unit_tax: line.unitTax,
        total_excl_tax: line.totalExclTax, total_tax: line.totalTax, is_return: line.isReturn, status: line.status,
      }),
    );
    sale.payments.forEach((payment, position) =>
      payments.push({ sale_id: saleId, position, external_id: payment.externalId, method: payment.method, amount: payment.amount, paid_at: payment.paidAt }),
    );
  }
  if (lines.length > 0) {
    await sql`
      INSERT INTO sale_lines (sale_id, position, external_id, product_external_id, quantity, unit_price_excl_tax, unit_discount, unit_tax, total_excl_tax, total_tax, is_return, status)
      SELECT r.sale_id, r.position, r.external_id, r.product_external_id, r.quantity, r.unit_price_excl_tax, r.unit_discount, r.unit_tax, r.total_excl_tax, r.total_tax, r.is_return, r.status
      FROM jsonb_to_recordset(${json(lines)}::jsonb) AS r(sale_id uuid, position int, external_id text, product_external_id text, quantity numeric,
        unit_price_excl_tax numeric, unit_discount numeric, unit_tax numeric, total_excl_tax numeric, total_tax numeric, is_return boolean, status text)`.execute(trx);
  }
  if (payments.length > 0) {
    await sql`
      INSERT INTO sale_payments (sale_id, position, external_id, method, amount, paid_at)
      SELECT r.sale_id, r.position, r.external_id, r.method, r.amount, r.paid_at
      FROM jsonb_to_recordset(${json(payments)}::jsonb) AS r(sale_id uuid, position int, external_id text, method text, amount numeric, paid_at timestamptz)`.execute(trx);
  }
  const recordOf = new Map(latest.map((sale) => [sale.externalId, sale]));
  const customersOfReplacedSales = new Set<string>();
  for (const row of changed.rows.filter((written) => written.existed)) {
    for (const buyer of [row.previous_customer, recordOf.get(row.external_id)!.customerExternalId]) if (buyer) customersOfReplacedSales.add(buyer);
  }
  return {
    changed: changed.rows.length,
    customersTouched: [],
    writtenSales: changed.rows.map((row) => ({ id: row.id, record: recordOf.get(row.external_id)!, existed: row.existed, storedSaleDate: row.sale_date })),
    customersOfReplacedSales: [...customersOfReplacedSales],
  };
}
