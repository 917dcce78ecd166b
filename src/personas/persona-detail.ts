import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { sourceLabelOf } from '../integrations/catalog.ts';

export type PersonaDetail = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  birthDate: string | null;
  address: unknown;
  companyName: string | null;
  customerGroup: string | null;
  customFields: unknown;
  emailConsent: string;
  smsConsent: string;
  ageGatePassed: boolean;
  sourcedFrom: string[];
  lifetimeSpend: string;
  averageOrder: string | null;
  visits: number;
  firstVisitAt: Date | null;
  lastVisitAt: Date | null;
  favoriteStore: { id: string; name: string } | null;
  points: string;
  archived: boolean;
  mergedInto: string | null;
  createdAt: Date;
  sources: Array<{ integration: string; storeName: string; storeAddress: string; externalId: string; customerCode: string | null; customerGroup: string | null }>;
  sales: Array<{ id: string; date: Date | null; store: string | null; outlet: string | null; total: string; state: string; invoiceNumber: string | null; isReturn: boolean }>;
  merges: Array<{ mergedId: string; reason: string; mergedAt: Date }>;
};

/** Everything the persona page shows; undefined when the id is not one of this company's personas. */
export async function getPersonaDetail(db: Db, companyId: string, personaId: string): Promise<PersonaDetail | undefined> {
  const persona = await db
    .selectFrom('personas as p')
    .leftJoin('retail_stores as rs', 'rs.id', 'p.favorite_store_id')
    .selectAll('p')
    .select('rs.name as favorite_store_name')
    .where('p.id', '=', personaId)
    .where('p.company_id', '=', companyId)
    .executeTakeFirst();
  if (!persona) return undefined;
  const sources = await sql<{ provider: string; retailer_name: string; domain_prefix: string; external_id: string; customer_code: string | null; group_name: string | null }>`
    SELECT k.provider, c.retailer_name, c.domain_prefix, sc.external_id, sc.customer_code, g.name AS group_name
    FROM source_customers sc
    JOIN credentials c ON c.id = sc.credential_id
    JOIN connections k ON k.id = c.connection_id
    LEFT JOIN source_customer_groups g ON g.credential_id = sc.credential_id AND g.external_id = sc.customer_group_external_id
    WHERE sc.persona_id = ${personaId} AND sc.company_id = ${companyId}
    ORDER BY c.retailer_name, sc.external_id`.execute(db);
  const sales = await sql<{ id: string; sale_date: Date | null; store: string | null; outlet: string | null; total_incl_tax: string; state: string; invoice_number: string | null; return_for_external_id: string | null }>`
    SELECT s.id, s.sale_date, rs.name AS store, l.name AS outlet, s.total_incl_tax::text AS total_incl_tax, s.state, s.invoice_number, s.return_for_external_id
    FROM source_customers sc
    JOIN sales s ON s.credential_id = sc.credential_id AND s.customer_external_id = sc.external_id
    LEFT JOIN source_locations l ON l.credential_id = s.credential_id AND l.external_id = s.location_external_id
    LEFT JOIN store_mappings m ON m.source_location_id = l.id
    LEFT JOIN retail_stores rs ON rs.id = m.retail_store_id
    WHERE sc.persona_id = ${personaId} AND sc.company_id = ${companyId} AND s.deleted_at IS NULL
    ORDER BY s.sale_date DESC NULLS LAST, s.id
    LIMIT 200`.execute(db);
  const merges = await db
    .selectFrom('persona_merges')
    .select(['merged_id', 'reason', 'merged_at'])
    .where('survivor_id', '=', personaId)
    .where('company_id', '=', companyId)
    .orderBy('merged_at')
    .execute();
  const spend = Number(persona.lifetime_spend);
  return {
    id: persona.id,
    firstName: persona.first_name,
    lastName: persona.last_name,
    name: persona.full_name,
    email: persona.email,
    phone: persona.phone,
    birthDate: persona.birth_date,
    address: persona.address,
    companyName: persona.company_name,
    customerGroup: persona.customer_group,
    customFields: persona.custom_fields,
    emailConsent: persona.email_consent,
    smsConsent: persona.sms_consent,
    ageGatePassed: persona.age_gate_passed,
    sourcedFrom: persona.sourced_from.map(sourceLabelOf),
    lifetimeSpend: persona.lifetime_spend,
    averageOrder: persona.visits > 0 ? (spend / persona.visits).toFixed(2) : null,
    visits: persona.visits,
    firstVisitAt: persona.first_visit_at,
    lastVisitAt: persona.last_visit_at,
    favoriteStore: persona.favorite_store_id && persona.favorite_store_name ? { id: persona.favorite_store_id, name: persona.favorite_store_name } : null,
    points: persona.points_balance,
    archived: persona.archived_at !== null,
    mergedInto: persona.merged_into,
    createdAt: persona.created_at,
    sources: sources.rows.map((row) => ({
      integration: sourceLabelOf(row.provider),
      storeName: row.retailer_name,
      storeAddress: row.domain_prefix,
      externalId: row.external_id,
      customerCode: row.customer_code,
      customerGroup: row.group_name,
    })),
    sales: sales.rows.map((row) => ({
      id: row.id,
      date: row.sale_date,
      store: row.store,
      outlet: row.outlet,
      total: row.total_incl_tax,
      state: row.state,
      invoiceNumber: row.invoice_number,
      isReturn: row.return_for_external_id !== null,
    })),
    merges: merges.map((merge) => ({ mergedId: merge.merged_id, reason: merge.reason, mergedAt: merge.merged_at })),
  };
}
