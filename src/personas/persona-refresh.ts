import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { Db } from '../db/database.ts';
import { refreshFavoriteStores } from '../stores/favorite-store.ts';
import type { PersonaTotalsChanges } from './persona-totals.ts';
import type { SourceSale } from '../sync/source-records.ts';
import type { SaleBuyer } from './sale-buyers.ts';
import { lockPersonaRows } from './persona-lock.ts';

type Trx = Transaction<Database>;

/**
 * Re-derives everything a persona shows from its linked sources and their sales: identifiers,
 * profile, consent, age gate, "Sourced from", archive state and aggregates. Idempotent, so it can
 * run after any change (sync, merge, unlink, settings) and the result is the same as from scratch.
 */
export async function refreshPersonas(trx: Trx, companyId: string, personaIds: string[], createdWithProfile: ReadonlySet<string> = new Set()): Promise<void> {
  if (personaIds.length === 0) return;
  await rebuildIdentifiers(trx, companyId, personaIds);
  await refreshProfiles(trx, personaIds.filter((id) => !createdWithProfile.has(id)));
  await refreshAggregates(trx, personaIds);
}

/** Each live source's email and phones, owned by its persona. */
async function rebuildIdentifiers(trx: Trx, companyId: string, personaIds: string[]): Promise<void> {
  await sql`DELETE FROM persona_identifiers WHERE persona_id = ANY(${personaIds}::uuid[])`.execute(trx);
  await sql`
    INSERT INTO persona_identifiers (company_id, kind, value, persona_id)
    SELECT ${companyId}::uuid, i.kind, i.value, min(i.persona_id::text)::uuid
    FROM (
      SELECT 'email' AS kind, email_normalized AS value, persona_id FROM source_customers
      WHERE persona_id = ANY(${personaIds}::uuid[]) AND email_normalized IS NOT NULL
      UNION ALL
      SELECT 'phone', unnest(phones_e164), persona_id FROM source_customers WHERE persona_id = ANY(${personaIds}::uuid[])
    ) i
    GROUP BY i.kind, i.value
    ON CONFLICT (company_id, kind, value) DO NOTHING`.execute(trx);
}

/**
 * The profile each of these personas should show, derived from its linked sources, as CTEs ending in
 * `profile`. The profile comes from the most recently updated source. Consent is the cautious
 * combination: any source that opted out of email wins; a source only counts as subscribed where its
 * connection says the POS's "do not email" flag is a real opt-in signal. Joining loyalty is never
 * consent. `has_sources` is false for a persona with no live source left.
 */
function derivedProfiles(personaIds: string[]) {
  return sql`
    ids AS (SELECT unnest(${personaIds}::uuid[]) AS id),
    best AS (
      SELECT DISTINCT ON (sc.persona_id) sc.persona_id, sc.first_name, sc.last_name, sc.email_normalized, sc.phones_e164[1] AS phone,
        sc.birth_date, sc.address, sc.company_name, sc.custom_fields, g.name AS customer_group
      FROM source_customers sc
      LEFT JOIN source_customer_groups g ON g.credential_id = sc.credential_id AND g.external_id = sc.customer_group_external_id
      WHERE sc.persona_id = ANY(${personaIds}::uuid[])
      ORDER BY sc.persona_id, sc.source_updated_at DESC NULLS LAST, sc.version DESC
    ),
    combined AS (
      SELECT sc.persona_id,
        bool_or(sc.email_opt_out) AS email_opted_out,
        bool_or(NOT sc.email_opt_out AND k.settings->>'emailConsent' = 'respect_do_not_email') AS email_subscribed,
        bool_or(sc.sms_opt_in IS TRUE) AS sms_in,
        bool_or(sc.sms_opt_in IS FALSE) AS sms_out,
        bool_or(k.age_gate_confirmed) AS age_gate,
        array_agg(DISTINCT k.provider ORDER BY k.provider) AS providers
      FROM source_customers sc
      JOIN credentials c ON c.id = sc.credential_id
      JOIN connections k ON k.id = c.connection_id
      WHERE sc.persona_id = ANY(${personaIds}::uuid[])
      GROUP BY sc.persona_id
    ),
    profile AS (
      SELECT ids.id, best.first_name, best.last_name, best.email_normalized AS email, best.phone, best.birth_date,
        coalesce(best.address, '{}'::jsonb) AS address, best.company_name, coalesce(best.custom_fields, '{}'::jsonb) AS custom_fields,
        best.customer_group,
        CASE WHEN combined.email_opted_out THEN 'unsubscribed' WHEN combined.email_subscribed THEN 'subscribed' ELSE 'unknown' END AS email_consent,
        CASE WHEN combined.sms_out THEN 'unsubscribed' WHEN combined.sms_in THEN 'subscribed' ELSE 'unknown' END AS sms_consent,
        coalesce(combined.age_gate, false) AS age_gate_passed,
        coalesce(combined.providers, '{}') AS sourced_from,
        combined.persona_id IS NOT NULL AS has_sources
      FROM ids LEFT JOIN best ON best.persona_id = ids.id LEFT JOIN combined ON combined.persona_id = ids.id
    )`;
}

/** The persona columns the profile sets, each named as in `profile` (derivedProfiles). */
const PROFILE_COLUMNS = [
  'first_name', 'last_name', 'email', 'phone', 'birth_date', 'address', 'company_name', 'custom_fields', 'customer_group',
  'email_consent', 'sms_consent', 'age_gate_passed', 'sourced_from',
] as const;
const qualified = (table: string) => PROFILE_COLUMNS.map((column) => sql.ref(`${table}.${column}`));

/** Brings existing personas' profiles, consent, age gate, "Sourced from" and archive state up to date. */
async function refreshProfiles(trx: Trx, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  // A persona with no live source is archived, never deleted; a returning source restores it.
  const archivedAt = sql`CASE WHEN NOT profile.has_sources THEN coalesce(p.archived_at, now()) WHEN p.merged_into IS NULL THEN NULL ELSE p.archived_at END`;
  await sql`
    WITH ${derivedProfiles(personaIds)}
    UPDATE personas p SET
      ${sql.join(PROFILE_COLUMNS.map((column) => sql`${sql.ref(column)} = ${sql.ref(`profile.${column}`)}`))},
      archived_at = ${archivedAt},
      updated_at = now()
    FROM profile
    WHERE p.id = profile.id
      -- A persona whose profile is already right is left alone: rewriting it would cost a new row
      -- version in every index of the table, for each of the thousands of personas a page touches.
      AND (${sql.join(qualified('p'))}, p.archived_at) IS DISTINCT FROM (${sql.join(qualified('profile'))}, ${archivedAt})`.execute(trx);
}

/**
 * Creates personas whose sources are already linked to them, with their profile, in one write: an
 * empty row updated with its profile right after would be written twice, in every index of personas.
 * The caller links the sources first, with the foreign key from source_customers deferred (see
 * identity-resolution.ts), then adds identifiers and aggregates with refreshPersonas' other steps.
 */
export async function insertPersonasWithProfiles(trx: Trx, companyId: string, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  await sql`
    WITH ${derivedProfiles(personaIds)}
    INSERT INTO personas (id, company_id, ${sql.join(PROFILE_COLUMNS.map((column) => sql.ref(column)))})
    SELECT profile.id, ${companyId}::uuid, ${sql.join(qualified('profile'))}
    FROM profile`.execute(trx);
}

/**
 * The favorite store, then spend and visits. Spend is tax-inclusive and net of returns (a completed return is a closed sale with negative
 * totals) and of voids (a voided sale is not closed). Visits count closed sales that are not returns.
 */
export async function refreshAggregates(trx: Trx, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  await refreshFavoriteStores(trx, personaIds);
  await sql`
    WITH ids AS (SELECT unnest(${personaIds}::uuid[]) AS id),
    counted AS (
      SELECT sc.persona_id,
        sum(s.total_incl_tax) AS spend,
        count(*) FILTER (WHERE s.return_for_external_id IS NULL) AS visits,
        min(s.sale_date) FILTER (WHERE s.return_for_external_id IS NULL) AS first_visit,
        max(s.sale_date) FILTER (WHERE s.return_for_external_id IS NULL) AS last_visit
      FROM source_customers sc
      -- Each source's own sales through sales_customer_idx: the cost follows these personas' sales,
      -- not the table (OFFSET 0 keeps the planner from turning this into a scan of every sale when
      -- its statistics lag behind a backfill that is still filling the table).
      CROSS JOIN LATERAL (
        SELECT s.total_incl_tax, s.return_for_external_id, s.sale_date FROM sales s
        WHERE s.credential_id = sc.credential_id AND s.customer_external_id = sc.external_id AND s.state = 'closed' AND s.deleted_at IS NULL
        OFFSET 0
      ) s
      WHERE sc.persona_id = ANY(${personaIds}::uuid[])
      GROUP BY sc.persona_id
    )
    UPDATE personas p SET
      lifetime_spend = coalesce(counted.spend, 0),
      visits = coalesce(counted.visits, 0),
      first_visit_at = counted.first_visit,
      last_visit_at = counted.last_visit
    FROM ids LEFT JOIN counted ON counted.persona_id = ids.id
    WHERE p.id = ids.id
      AND (p.lifetime_spend, p.visits, p.first_visit_at, p.last_visit_at)
        IS DISTINCT FROM (coalesce(counted.spend, 0), coalesce(counted.visits, 0), counted.first_visit, counted.last_visit)`.execute(trx);
}

/**
 * Adds sales seen for the first time to their personas' totals without re-reading the personas'
 * other sales: during a backfill a persona's sales arrive over many pages, and recomputing its totals
 * on each of them would re-read every earlier sale each time. This is exact because every other change
 * (an edited, voided or moved sale, a new link, a merge) recomputes the totals with refreshAggregates,
 * and the caller holds the company's persona lock in shared mode (see persona-lock.ts). The sales are
 * the records just written (the rows hold exactly these values) and `buyers` their customers'
 * personas (buyersOfWrittenSales), so only the credential's mapped locations are read. The additions
 * go to `totals`, applied once at the end of the page. The favorite store is recomputed only where a
 * new visit was at a mapped store, the only visits that count for it, after these personas' rows are
 * locked (lockPersonaRows: another transaction adding to them at the same time has committed by then).
 */
export async function addNewSalesToAggregates(
  trx: Trx,
  credentialId: string,
  newSales: SourceSale[],
  buyers: ReadonlyMap<string, Pick<SaleBuyer, 'persona_id'>>,
  recomputedPersonaIds: string[],
  totals: PersonaTotalsChanges,
): Promise<void> {
  // Spend counts closed sales net of returns; visits, first and last visit count the sales that are not returns.
  const counted = newSales.filter((sale) => sale.state === 'closed' && sale.deletedAt === null && sale.customerExternalId !== null);
  if (counted.length === 0) return;
  const recomputed = new Set(recomputedPersonaIds);
  const visitedLocations = [...new Set(counted.flatMap((sale) => (sale.returnForExternalId === null && sale.locationExternalId ? [sale.locationExternalId] : [])))];
  const mapped = new Set(
    visitedLocations.length === 0
      ? []
      : (
          await sql<{ external_id: string }>`
            SELECT l.external_id FROM source_locations l
            JOIN store_mappings m ON m.source_location_id = l.id
            JOIN retail_stores rs ON rs.id = m.retail_store_id AND rs.active
            WHERE l.credential_id = ${credentialId} AND l.external_id = ANY(${visitedLocations}::text[])`.execute(trx)
        ).rows.map((row) => row.external_id),
  );
  const favoritesToRecompute = new Set<string>();
  for (const sale of counted) {
    const personaId = buyers.get(sale.customerExternalId!)?.persona_id;
    if (!personaId || recomputed.has(personaId)) continue;
    const visit = sale.returnForExternalId === null;
    // Amounts and dates travel as the record's text, the same text the sale's row was read from.
    totals.addVisits(personaId, String(sale.totalInclTax), visit ? 1 : 0, visit ? sale.saleDate : null, visit ? sale.saleDate : null);
    if (visit && sale.locationExternalId && mapped.has(sale.locationExternalId)) favoritesToRecompute.add(personaId);
  }
  await lockPersonaRows(trx, [...favoritesToRecompute]);
  await refreshFavoriteStores(trx, [...favoritesToRecompute]);
}

/** Balances are sums of the loyalty ledger; the persona row keeps a copy for the list's sort and display. */
export async function refreshPointBalances(db: Db, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  await sql`
    UPDATE personas p SET points_balance = coalesce((SELECT sum(l.points) FROM loyalty_ledger l WHERE l.persona_id = p.id), 0)
    WHERE p.id = ANY(${personaIds}::uuid[])`.execute(db);
}
