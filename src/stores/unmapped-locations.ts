import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { raiseNotification, resolveNotification } from '../notifications/notifications.ts';

export const UNMAPPED_STORES_KEY = 'unmapped-stores';

export type UnmappedLocation = { id: string; name: string; credentialId: string; storeName: string };

/** POS locations that have sales but feed no retail store. */
export async function listUnmappedLocations(db: Db, companyId: string): Promise<UnmappedLocation[]> {
  const rows = await sql<{ id: string; name: string; credential_id: string; retailer_name: string }>`
    SELECT l.id, l.name, l.credential_id, c.retailer_name
    FROM source_locations l
    JOIN credentials c ON c.id = l.credential_id
    WHERE l.company_id = ${companyId} AND l.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM store_mappings m WHERE m.source_location_id = l.id)
      AND EXISTS (SELECT 1 FROM sales s WHERE s.credential_id = l.credential_id AND s.location_external_id = l.external_id AND s.deleted_at IS NULL)
    ORDER BY c.retailer_name, l.name`.execute(db);
  return rows.rows.map((row) => ({ id: row.id, name: row.name, credentialId: row.credential_id, storeName: row.retailer_name }));
}

/**
 * Raises "You have N unmapped stores" while any location with data feeds no store, and resolves it
 * once all are mapped; a new outlet later raises it again.
 */
export async function checkUnmappedLocations(db: Db, companyId: string): Promise<number> {
  const unmapped = await listUnmappedLocations(db, companyId);
  if (unmapped.length === 0) {
    await resolveNotification(db, companyId, UNMAPPED_STORES_KEY);
    return 0;
  }
  const names = unmapped.map((location) => `${location.name} (${location.storeName})`);
  await raiseNotification(db, companyId, {
    kind: 'unmapped_stores',
    key: UNMAPPED_STORES_KEY,
    title: `You have ${unmapped.length} unmapped ${unmapped.length === 1 ? 'store' : 'stores'}`,
    body: `Sales are arriving from ${names.join(', ')}, which ${unmapped.length === 1 ? 'is' : 'are'} not mapped to a retail store yet. Map ${unmapped.length === 1 ? 'it' : 'them'} so customers get a favorite store.`,
    link: '/settings/company/retail-store',
    payload: { locations: unmapped.map((location) => location.id) },
  });
  return unmapped.length;
}
