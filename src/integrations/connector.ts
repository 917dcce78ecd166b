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

export type PosConnector = {
  provider: string;
  /** Normalises the store address field (for Lightspeed, the DomainPrefix) or says what to paste. */
  parseStoreAddress(input: unknown): { ok: true; value: string } | { ok: false; message: string };
  /** Checks a token against the live store and describes the store. */
  checkCredential(input: CredentialInput): Promise<CheckResult>;
};
