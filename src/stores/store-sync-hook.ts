import { sql } from 'kysely';
import type { AfterPageHook } from '../sync/sync-runner.ts';
import { checkUnmappedLocations, UNMAPPED_STORES_KEY } from './unmapped-locations.ts';

/**
 * After a page of sales: if any of them came from a location that feeds no retail store, the
 * company's unmapped-stores notification is raised (or refreshed). Pages from mapped locations, and
 * pages from unmapped locations the open notification already names, cost one small lookup.
 */
export const storeSyncHook: AfterPageHook = async (trx, scope, records) => {
  const locations = [...new Set(records.flatMap((record) => (record.kind === 'sale' && record.locationExternalId ? [record.locationExternalId] : [])))];
  if (locations.length === 0) return;
  const unmapped = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM source_locations l
    WHERE l.credential_id = ${scope.credentialId} AND l.external_id = ANY(${locations}::text[]) AND l.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM store_mappings m WHERE m.source_location_id = l.id)
      AND NOT EXISTS (
        SELECT 1 FROM notifications n
        WHERE n.company_id = ${scope.companyId} AND n.dedupe_key = ${UNMAPPED_STORES_KEY} AND n.resolved_at IS NULL
          AND n.payload->'locations' ? l.id::text
      )`.execute(trx);
  if ((unmapped.rows[0]?.n ?? 0) > 0) await checkUnmappedLocations(trx, scope.companyId);
};
