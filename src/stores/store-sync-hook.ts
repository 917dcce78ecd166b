import { sql } from 'kysely';
import type { AfterPageHook } from '../sync/sync-runner.ts';
import { checkUnmappedLocations } from './unmapped-locations.ts';

/**
 * After a page of sales: if any of them came from a location that feeds no retail store, the
 * company's unmapped-stores notification is raised (or refreshed). Pages from mapped locations cost
 * one small lookup.
 */
export const storeSyncHook: AfterPageHook = async (trx, scope, records) => {
  const locations = [...new Set(records.flatMap((record) => (record.kind === 'sale' && record.locationExternalId ? [record.locationExternalId] : [])))];
  if (locations.length === 0) return;
  const unmapped = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM source_locations l
    WHERE l.credential_id = ${scope.credentialId} AND l.external_id = ANY(${locations}::text[]) AND l.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM store_mappings m WHERE m.source_location_id = l.id)`.execute(trx);
  if ((unmapped.rows[0]?.n ?? 0) > 0) await checkUnmappedLocations(trx, scope.companyId);
};
