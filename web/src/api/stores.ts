/** Retail stores and their Store Mappings (Settings > Company Account > Retail Store). */
import { request } from './client.ts';

export const ADDRESS_PARTS = ['line1', 'line2', 'city', 'state', 'postcode', 'country'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];
export type StoreAddress = Record<AddressPart, string | null>;

export type MappedLocation = { id: string; name: string; credentialId: string; storeAddress: string };

export type RetailStore = {
  id: string;
  name: string;
  address: StoreAddress;
  timeZone: string;
  active: boolean;
  figures: { favoritePersonas: number; salesLast30Days: number; lastSaleAt: string | null };
  mappedLocations: MappedLocation[];
};

/** A POS location with sales that feeds no retail store yet. */
export type UnmappedLocation = { id: string; name: string; credentialId: string; storeName: string };

/** One Lightspeed outlet ("key") a store can be mapped to. */
export type MappingKey = {
  id: string;
  externalId: string;
  name: string;
  deleted: boolean;
  mappedTo: { id: string; name: string } | null;
};

/** One row of Store Mappings: a connected POS account and its keys. */
export type MappingRow = {
  credentialId: string;
  integration: string;
  /** The Lightspeed account's name. */
  storeName: string;
  /** Its domain prefix. */
  storeAddress: string;
  selectedLocationIds: string[];
  keys: MappingKey[];
};

/**
 * Favorite stores are recomputed in the background after a change that moves them (Save settings,
 * Active switched, stores created from outlets): queued until the affected personas are known, then
 * running with its progress.
 */
export type FavoriteStoreRefresh = { state: 'idle' } | { state: 'queued' } | { state: 'running'; personasDone: number; personasTotal: number };

export type StoreInput = { name: string; address: StoreAddress; timeZone: string; active: boolean };

const storePath = (id: string) => `/api/retail-stores/${encodeURIComponent(id)}`;

/** The server stores the address as free JSON: read it defensively. */
export function readAddress(raw: unknown): StoreAddress {
  const source = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const address = {} as StoreAddress;
  for (const part of ADDRESS_PARTS) {
    const value = source[part];
    address[part] = typeof value === 'string' && value.trim() ? value : null;
  }
  return address;
}

function normalizeStore(store: RetailStore): RetailStore {
  return { ...store, address: readAddress(store.address) };
}

export const storesApi = {
  list: async (signal?: AbortSignal) => {
    const result = await request<{ stores: RetailStore[]; unmapped: UnmappedLocation[]; favoriteStores: FavoriteStoreRefresh }>('GET', '/api/retail-stores', undefined, signal);
    return { stores: result.stores.map(normalizeStore), unmapped: result.unmapped, favoriteStores: result.favoriteStores };
  },
  create: (input: StoreInput) => request<{ store: { id: string } }>('POST', '/api/retail-stores', input),
  createFromLocations: () => request<{ created: number; favoriteStores: FavoriteStoreRefresh }>('POST', '/api/retail-stores/from-locations', {}),
  get: async (id: string, signal?: AbortSignal) => {
    const result = await request<{ store: RetailStore; mappings: MappingRow[]; favoriteStores: FavoriteStoreRefresh }>('GET', storePath(id), undefined, signal);
    return { store: normalizeStore(result.store), mappings: result.mappings, favoriteStores: result.favoriteStores };
  },
  update: (id: string, input: StoreInput) => request<{ ok: true; favoriteStores: FavoriteStoreRefresh }>('PUT', storePath(id), input),
  saveMappings: (id: string, locationIds: string[]) =>
    request<{ changedLocations: number; favoriteStores: FavoriteStoreRefresh }>('PUT', `${storePath(id)}/mappings`, { locationIds }),
  favoriteStoreRefresh: (signal?: AbortSignal) =>
    request<{ favoriteStores: FavoriteStoreRefresh }>('GET', '/api/retail-stores/favorite-store-refresh', undefined, signal),
};
