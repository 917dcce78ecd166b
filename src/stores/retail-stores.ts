import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { requestFavoriteStoreRefresh } from './favorite-store-refresh.ts';
import { checkUnmappedLocations } from './unmapped-locations.ts';

const optionalLine = z
  .string({ error: 'Address lines must be text.' })
  .trim()
  .max(200, 'Address lines can be at most 200 characters.')
  .transform((value) => (value === '' ? null : value))
  .nullish()
  .transform((value) => value ?? null);

export const StoreAddressSchema = z
  .object({ line1: optionalLine, line2: optionalLine, city: optionalLine, state: optionalLine, postcode: optionalLine, country: optionalLine })
  .default({ line1: null, line2: null, city: null, state: null, postcode: null, country: null });

export const timeZoneField = z
  .string({ error: 'Choose the store’s time zone.' })
  .refine(isTimeZone, 'That is not a time zone: use a name like America/Los_Angeles.');

export const RetailStoreInput = z.object({
  name: z
    .string({ error: 'Enter the store’s name.' })
    .trim()
    .min(1, 'Enter the store’s name.')
    .max(120, 'Store names can be at most 120 characters.')
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'Store names cannot contain control characters.'),
  address: StoreAddressSchema,
  timeZone: timeZoneField,
  active: z.boolean({ error: 'Active must be true or false.' }).default(true),
});
export type RetailStoreInput = z.infer<typeof RetailStoreInput>;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

export type RetailStoreView = {
  id: string;
  name: string;
  address: unknown;
  timeZone: string;
  active: boolean;
  figures: { favoritePersonas: number; salesLast30Days: number; lastSaleAt: Date | null };
  mappedLocations: Array<{ id: string; name: string; credentialId: string; storeAddress: string }>;
};

/**
 * The company's retail stores as choices for a filter: names only. The Personas page asks for this on
 * every visit and has no use for listRetailStores' figures, which count each store's favorites and
 * recent sales.
 */
export async function listRetailStoreOptions(db: Db, companyId: string): Promise<Array<{ id: string; name: string; active: boolean }>> {
  return db
    .selectFrom('retail_stores')
    .select(['id', 'name', 'active'])
    .where('company_id', '=', companyId)
    .orderBy('active', 'desc')
    .orderBy(sql`lower(name)`)
    .execute();
}

/**
 * The store list with the figures that show data is flowing per store. Each figure is an index range
 * per mapped outlet (sales_location_date_idx, personas_favorite_store_idx), never a read of every sale:
 * the sales of the last 30 days forward from a date, the last sale backward from the end.
 */
export async function listRetailStores(db: Db, companyId: string): Promise<RetailStoreView[]> {
  const stores = await sql<{ id: string; name: string; address: unknown; time_zone: string; active: boolean; favorites: number; sales_30d: number; last_sale_at: Date | null }>`
    SELECT rs.id, rs.name, rs.address, rs.time_zone, rs.active,
      (SELECT count(*)::int FROM personas p WHERE p.company_id = rs.company_id AND p.favorite_store_id = rs.id AND p.archived_at IS NULL) AS favorites,
      coalesce(f.sales_30d, 0)::int AS sales_30d, f.last_sale_at
    FROM retail_stores rs
    LEFT JOIN LATERAL (
      SELECT sum(recent.sales) AS sales_30d, max(latest.sale_date) AS last_sale_at
      FROM store_mappings m
      JOIN source_locations l ON l.id = m.source_location_id
      CROSS JOIN LATERAL (
        SELECT count(*) AS sales FROM sales s
        WHERE s.credential_id = l.credential_id AND s.location_external_id = l.external_id
          AND s.sale_date >= now() - interval '30 days' AND s.state = 'closed' AND s.deleted_at IS NULL
      ) recent
      LEFT JOIN LATERAL (
        SELECT s.sale_date FROM sales s
        WHERE s.credential_id = l.credential_id AND s.location_external_id = l.external_id
          AND s.sale_date IS NOT NULL AND s.deleted_at IS NULL
        ORDER BY s.sale_date DESC LIMIT 1
      ) latest ON true
      WHERE m.retail_store_id = rs.id
    ) f ON true
    WHERE rs.company_id = ${companyId}
    ORDER BY rs.active DESC, lower(rs.name)`.execute(db);
  const mappings = await sql<{ retail_store_id: string; id: string; name: string; credential_id: string; domain_prefix: string }>`
    SELECT m.retail_store_id, l.id, l.name, l.credential_id, c.domain_prefix
    FROM store_mappings m JOIN source_locations l ON l.id = m.source_location_id JOIN credentials c ON c.id = l.credential_id
    WHERE m.company_id = ${companyId} ORDER BY l.name`.execute(db);
  return stores.rows.map((store) => ({
    id: store.id,
    name: store.name,
    address: store.address,
    timeZone: store.time_zone,
    active: store.active,
    figures: { favoritePersonas: store.favorites, salesLast30Days: store.sales_30d, lastSaleAt: store.last_sale_at },
    mappedLocations: mappings.rows
      .filter((mapping) => mapping.retail_store_id === store.id)
      .map((mapping) => ({ id: mapping.id, name: mapping.name, credentialId: mapping.credential_id, storeAddress: mapping.domain_prefix })),
  }));
}

export async function createRetailStore(db: Db, companyId: string, input: RetailStoreInput): Promise<{ id: string }> {
  return db
    .insertInto('retail_stores')
    .values({ company_id: companyId, name: input.name, address: JSON.stringify(input.address), time_zone: input.timeZone, active: input.active })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch(rethrowDuplicateName);
}

/**
 * Saves the store's details. Only active stores can be favorites, so (de)activating it asks for the
 * favorites of everyone who shopped at its outlets to be recomputed; returns whether it did.
 */
export async function updateRetailStore(db: Db, companyId: string, storeId: string, input: RetailStoreInput): Promise<{ favoriteStoresQueued: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('retail_stores').select('active').where('id', '=', storeId).where('company_id', '=', companyId).executeTakeFirst();
    if (!existing) throw notFound('That store');
    await trx
      .updateTable('retail_stores')
      .set({ name: input.name, address: JSON.stringify(input.address), time_zone: input.timeZone, active: input.active, updated_at: new Date() })
      .where('id', '=', storeId)
      .where('company_id', '=', companyId)
      .execute()
      .catch(rethrowDuplicateName);
    if (existing.active === input.active) return { favoriteStoresQueued: false };
    const locations = await trx.selectFrom('store_mappings').select('source_location_id').where('retail_store_id', '=', storeId).where('company_id', '=', companyId).execute();
    return { favoriteStoresQueued: await requestFavoriteStoreRefresh(trx, companyId, locations.map((row) => row.source_location_id)) };
  });
}

function rethrowDuplicateName(error: unknown): never {
  if ((error as { code?: string }).code === '23505') throw new AppError(409, 'store_name_taken', 'You already have a store with this name.', 'name');
  throw error;
}

/** A credential's keys (its POS locations) for the Store Mappings dropdown, with where each is mapped. */
export type MappingRow = {
  credentialId: string;
  integration: string;
  storeName: string;
  storeAddress: string;
  selectedLocationIds: string[];
  keys: Array<{ id: string; externalId: string; name: string; deleted: boolean; mappedTo: { id: string; name: string } | null }>;
};

export async function getStoreMappingRows(db: Db, companyId: string, storeId: string): Promise<MappingRow[]> {
  const store = await db.selectFrom('retail_stores').select('id').where('id', '=', storeId).where('company_id', '=', companyId).executeTakeFirst();
  if (!store) throw notFound('That store');
  const credentials = await db
    .selectFrom('credentials')
    .innerJoin('connections', 'connections.id', 'credentials.connection_id')
    .select(['credentials.id', 'connections.provider', 'credentials.retailer_name', 'credentials.domain_prefix'])
    .where('credentials.company_id', '=', companyId)
    .orderBy('credentials.created_at')
    .execute();
  const keys = await sql<{ id: string; credential_id: string; external_id: string; name: string; deleted_at: Date | null; store_id: string | null; store_name: string | null }>`
    SELECT l.id, l.credential_id, l.external_id, l.name, l.deleted_at, rs.id AS store_id, rs.name AS store_name
    FROM source_locations l
    LEFT JOIN store_mappings m ON m.source_location_id = l.id
    LEFT JOIN retail_stores rs ON rs.id = m.retail_store_id
    WHERE l.company_id = ${companyId}
    ORDER BY l.deleted_at IS NOT NULL, l.name`.execute(db);
  return credentials.map((credential) => {
    const own = keys.rows.filter((key) => key.credential_id === credential.id);
    return {
      credentialId: credential.id,
      integration: credential.provider,
      storeName: credential.retailer_name,
      storeAddress: credential.domain_prefix,
      selectedLocationIds: own.filter((key) => key.store_id === storeId).map((key) => key.id),
      keys: own.map((key) => ({
        id: key.id,
        externalId: key.external_id,
        name: key.name,
        deleted: key.deleted_at !== null,
        mappedTo: key.store_id && key.store_name ? { id: key.store_id, name: key.store_name } : null,
      })),
    };
  });
}

/**
 * "Save settings": the store's mapped locations become exactly `locationIds`. A location mapped to
 * another store moves here. The unmapped-stores notification is re-checked, and the favorites of the
 * personas who shopped at any location whose mapping changed are left to the favorite-store job
 * (`favoriteStoresQueued`: the caller queues it once this has committed).
 */
export async function saveStoreMappings(db: Db, companyId: string, storeId: string, locationIds: string[]): Promise<{ changedLocations: number; favoriteStoresQueued: boolean }> {
  return db.transaction().execute(async (trx) => {
    const store = await trx.selectFrom('retail_stores').select('id').where('id', '=', storeId).where('company_id', '=', companyId).executeTakeFirst();
    if (!store) throw notFound('That store');
    const unique = [...new Set(locationIds)];
    if (unique.length > 0) {
      const owned = await trx.selectFrom('source_locations').select('id').where('company_id', '=', companyId).where('id', 'in', unique).execute();
      if (owned.length !== unique.length) throw new AppError(400, 'invalid_input', 'One of the chosen keys is not a location of your connected stores.', 'locationIds');
    }
    const current = await trx.selectFrom('store_mappings').select(['source_location_id', 'retail_store_id']).where('company_id', '=', companyId).execute();
    const before = new Map(current.map((row) => [row.source_location_id, row.retail_store_id]));
    const removed = current.filter((row) => row.retail_store_id === storeId && !unique.includes(row.source_location_id)).map((row) => row.source_location_id);
    const added = unique.filter((id) => before.get(id) !== storeId);
    if (removed.length > 0) await trx.deleteFrom('store_mappings').where('retail_store_id', '=', storeId).where('source_location_id', 'in', removed).execute();
    for (const locationId of added) {
      await trx
        .insertInto('store_mappings')
        .values({ source_location_id: locationId, retail_store_id: storeId, company_id: companyId })
        .onConflict((conflict) => conflict.column('source_location_id').doUpdateSet({ retail_store_id: storeId }))
        .execute();
    }
    const changed = [...removed, ...added];
    await checkUnmappedLocations(trx, companyId);
    return { changedLocations: changed.length, favoriteStoresQueued: await requestFavoriteStoreRefresh(trx, companyId, changed) };
  });
}

/**
 * One click for a retailer with no stores yet: a store per unmapped, live location, named and placed
 * like the location, and mapped to it. Favorites follow from the favorite-store job, as for a Save.
 */
export async function createStoresFromLocations(db: Db, companyId: string): Promise<{ created: number; favoriteStoresQueued: boolean }> {
  return db.transaction().execute(async (trx) => {
    const locations = await sql<{ id: string; name: string; time_zone: string | null; address: unknown }>`
      SELECT l.id, l.name, l.time_zone, l.address FROM source_locations l
      WHERE l.company_id = ${companyId} AND l.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM store_mappings m WHERE m.source_location_id = l.id)
      ORDER BY l.name`.execute(trx);
    const taken = new Set((await trx.selectFrom('retail_stores').select('name').where('company_id', '=', companyId).execute()).map((row) => row.name.toLowerCase()));
    let created = 0;
    for (const location of locations.rows) {
      let name = location.name;
      for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${location.name} (${n})`;
      taken.add(name.toLowerCase());
      const store = await trx
        .insertInto('retail_stores')
        .values({ company_id: companyId, name, address: JSON.stringify(location.address ?? {}), time_zone: location.time_zone && isTimeZone(location.time_zone) ? location.time_zone : 'UTC' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('store_mappings').values({ source_location_id: location.id, retail_store_id: store.id, company_id: companyId }).execute();
      created++;
    }
    await checkUnmappedLocations(trx, companyId);
    return { created, favoriteStoresQueued: await requestFavoriteStoreRefresh(trx, companyId, locations.rows.map((location) => location.id)) };
  });
}
