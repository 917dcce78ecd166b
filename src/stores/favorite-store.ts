import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * A persona's favorite store: the active, mapped store with the most visits (closed sales that are
 * not returns); ties go to the store visited most recently. Sales at unmapped outlets do not count.
 */
export async function refreshFavoriteStores(db: Db, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  await sql`
    WITH ids AS (SELECT unnest(${personaIds}::uuid[]) AS id),
    visits AS (
      SELECT sc.persona_id, m.retail_store_id, count(*) AS visits, max(s.sale_date) AS last_visit
      FROM source_customers sc
      -- Each source's own sales through sales_customer_idx (see refreshAggregates: OFFSET 0 keeps
      -- the plan proportional to these personas' sales even with stale statistics).
      CROSS JOIN LATERAL (
        SELECT s.credential_id, s.location_external_id, s.sale_date FROM sales s
        WHERE s.credential_id = sc.credential_id AND s.customer_external_id = sc.external_id
          AND s.state = 'closed' AND s.deleted_at IS NULL AND s.return_for_external_id IS NULL
        OFFSET 0
      ) s
      JOIN source_locations l ON l.credential_id = s.credential_id AND l.external_id = s.location_external_id
      JOIN store_mappings m ON m.source_location_id = l.id
      JOIN retail_stores rs ON rs.id = m.retail_store_id AND rs.active
      WHERE sc.persona_id = ANY(${personaIds}::uuid[])
      GROUP BY sc.persona_id, m.retail_store_id
    ),
    best AS (
      SELECT DISTINCT ON (persona_id) persona_id, retail_store_id
      FROM visits ORDER BY persona_id, visits DESC, last_visit DESC NULLS LAST, retail_store_id
    )
    UPDATE personas p SET favorite_store_id = best.retail_store_id
    FROM ids LEFT JOIN best ON best.persona_id = ids.id
    WHERE p.id = ids.id AND p.favorite_store_id IS DISTINCT FROM best.retail_store_id`.execute(db);
}

/**
 * The personas with sales at any of these POS locations of the company: whose favorite a change of
 * those locations' mappings or stores can move. A query to select from rather than a list, as it can
 * be hundreds of thousands of personas (the favorite-store refresh queues them in SQL).
 */
export function personasWithSalesAt(companyId: string, sourceLocationIds: string[]): RawBuilder<{ persona_id: string }> {
  return sql<{ persona_id: string }>`
    SELECT DISTINCT sc.persona_id
    FROM source_locations l
    JOIN sales s ON s.credential_id = l.credential_id AND s.location_external_id = l.external_id
    JOIN source_customers sc ON sc.credential_id = s.credential_id AND sc.external_id = s.customer_external_id
    WHERE l.company_id = ${companyId} AND l.id = ANY(${sourceLocationIds}::uuid[]) AND sc.persona_id IS NOT NULL`;
}
