/**
 * Retail stores and their Store Mappings (Settings > Company Account > Retail Store). Calls go through
 * `sendJson`, which turns the server's `{error:{code,message,field?}}` answers into the app's `ApiError`.
 */
import { ApiError } from './client.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One JSON request to Patron's API on this origin, with the session cookie. */
export async function sendJson<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Could not reach Patron. Check your connection and try again.');
  }
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = undefined;
  }
  if (response.ok) return payload as T;
  const problem = (payload as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
  throw new ApiError(
    response.status,
    typeof problem?.code === 'string' ? problem.code : `http_${response.status}`,
    typeof problem?.message === 'string' ? problem.message : `The server answered ${response.status}. Try again.`,
    typeof problem?.field === 'string' ? problem.field : undefined,
  );
}

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
    const result = await sendJson<{ stores: RetailStore[]; unmapped: UnmappedLocation[] }>('GET', '/api/retail-stores', undefined, signal);
    return { stores: result.stores.map(normalizeStore), unmapped: result.unmapped };
  },
  create: (input: StoreInput) => sendJson<{ store: { id: string } }>('POST', '/api/retail-stores', input),
  createFromLocations: () => sendJson<{ created: number }>('POST', '/api/retail-stores/from-locations', {}),
  get: async (id: string, signal?: AbortSignal) => {
    const result = await sendJson<{ store: RetailStore; mappings: MappingRow[] }>('GET', storePath(id), undefined, signal);
    return { store: normalizeStore(result.store), mappings: result.mappings };
  },
  update: (id: string, input: StoreInput) => sendJson<{ ok: true }>('PUT', storePath(id), input),
  saveMappings: (id: string, locationIds: string[]) =>
    sendJson<{ changedLocations: number; personasUpdated: number }>('PUT', `${storePath(id)}/mappings`, { locationIds }),
};
