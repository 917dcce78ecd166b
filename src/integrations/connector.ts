import type { SourceRecord } from '../sync/source-records.ts';

/**
 * What a point-of-sale connector offers the rest of Patron. The core never sees a provider's
 * shapes: it gets a StoreSummary here, and normalized records from the sync.
 */
export type StoreSummary = {
  /** The provider's id of the store (for Lightspeed, the retailer id). */
  externalStoreId: string;
  name: string;
  country: string | null;
  currency: string | null;
  locationCount: number;
  registerCount: number;
  /** Requests allowed per rate-limit window, when the provider reports it. */
  rateLimit: number | null;
};

export type CredentialInput = { storeAddress: string; token: string };

export type CheckResult = { ok: true; storeAddress: string; summary: StoreSummary } | { ok: false; field: 'token' | 'storeAddress' | null; message: string };

/** The features the Integration Grid lists, in its column order. */
export const featureNames = [
  'customers',
  'salesWithLineItems',
  'storeMapping',
  'favoriteStore',
  'loyaltyPoints',
  'realtimeUpdates',
  'deletions',
  'writeBack',
] as const;
export type FeatureName = (typeof featureNames)[number];

/** One record of a page: normalized, or quarantined with the reason it could not be read. */
export type PageItem =
  | { ok: true; record: SourceRecord }
  | { ok: false; externalId: string; error: string; payload: unknown };

export type SourcePage = { items: PageItem[]; cursor: number };

/** Reads one store's records for the sync. Throws ConnectorError. */
export type SourceReader = {
  /** The resources to sync, in dependency order (locations before sales). */
  resources: readonly string[];
  /** Pages of a resource changed after `after` (exclusive), to the end. */
  pages(resource: string, after: number): AsyncGenerator<SourcePage>;
};

export type PosConnector = {
  provider: string;
  /** Normalises the store address field (for Lightspeed, the DomainPrefix) or says what to paste. */
  parseStoreAddress(input: unknown): { ok: true; value: string } | { ok: false; message: string };
  /** Checks a token against the live store and describes the store. */
  checkCredential(input: CredentialInput): Promise<CheckResult>;
  /** A reader for the sync; `onRequest` is called once per HTTP request made. */
  createReader(input: { storeAddress: string; token: string; onRequest?: () => void }): SourceReader;
};
