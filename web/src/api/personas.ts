/**
 * The Personas API: the list (filters, search, sort, keyset pages), the CSV export address, one
 * persona with its loyalty, and manual points adjustments. Errors arrive as `ApiError`, like the
 * calls in client.ts.
 */
import { request } from './client.ts';

export const personaSorts = ['last_visit', 'name', 'lifetime_spend', 'visits', 'points', 'created'] as const;
export type PersonaSort = (typeof personaSorts)[number];
export type SortDirection = 'asc' | 'desc';
export type LoyaltyFilter = 'enrolled' | 'not_enrolled';

/** What the list is filtered and sorted by; empty strings mean "no filter". */
export type PersonaFilters = {
  q: string;
  sourcedFrom: string;
  favoriteStoreId: string;
  loyalty: LoyaltyFilter | '';
  archived: boolean;
};

export type PersonaListQuery = PersonaFilters & { sort: PersonaSort; direction: SortDirection; cursor: string; limit: number };

export type StoreRef = { id: string; name: string };

export type PersonaRow = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  favoriteStore: StoreRef | null;
  /** Decimal strings, exact. */
  points: string;
  lifetimeSpend: string;
  visits: number;
  lastVisitAt: string | null;
  /** Source labels, e.g. ['lightspeed']. */
  sourcedFrom: string[];
  loyaltyEnrolled: boolean;
  archived: boolean;
};

export type PersonaPage = {
  personas: PersonaRow[];
  /** Exact, unless totalIsLowerBound: a filtered list is counted only up to 10,000 ("10,000+"). */
  total: number;
  totalIsLowerBound: boolean;
  nextCursor: string | null;
};

export type Address = {
  line1?: string | null;
  line2?: string | null;
  suburb?: string | null;
  city?: string | null;
  postcode?: string | null;
  state?: string | null;
  country?: string | null;
};

export type Consent = 'subscribed' | 'unsubscribed' | 'unknown';
export type SaleState = 'closed' | 'pending' | 'voided' | 'parked';

export type PersonaSource = {
  integration: string;
  storeName: string;
  storeAddress: string;
  externalId: string;
  customerCode: string | null;
  customerGroup: string | null;
};

export type PersonaSale = {
  id: string;
  date: string | null;
  /** The mapped retail store's name; null when the outlet is not mapped to a store. */
  store: string | null;
  outlet: string | null;
  total: string;
  state: SaleState | string;
  invoiceNumber: string | null;
  isReturn: boolean;
};

export type PersonaDetail = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  birthDate: string | null;
  address: Address | null;
  companyName: string | null;
  customerGroup: string | null;
  customFields: Record<string, unknown> | null;
  emailConsent: Consent | string;
  smsConsent: Consent | string;
  ageGatePassed: boolean;
  sourcedFrom: string[];
  lifetimeSpend: string;
  averageOrder: string | null;
  visits: number;
  firstVisitAt: string | null;
  lastVisitAt: string | null;
  favoriteStore: StoreRef | null;
  points: string;
  archived: boolean;
  mergedInto: string | null;
  createdAt: string;
  sources: PersonaSource[];
  sales: PersonaSale[];
  merges: Array<{ mergedId: string; reason: string; mergedAt: string }>;
};

export type LedgerKind = 'earn' | 'reversal' | 'return' | 'adjustment' | 'transfer' | 'manual';
export type EnrolmentBlock = 'age_gate_not_confirmed' | 'under_age' | 'employee';

export type LedgerEntry = {
  id: string;
  kind: LedgerKind | string;
  points: string;
  reason: string;
  saleId: string | null;
  /** The user who made a manual change; null for what Patron did by itself. */
  createdBy: string | null;
  createdAt: string;
};

export type PersonaLoyalty = {
  enrolled: boolean;
  blockedBecause: EnrolmentBlock | string | null;
  balance: string;
  ledger: LedgerEntry[];
};

export type PersonaWithLoyalty = { persona: PersonaDetail; loyalty: PersonaLoyalty };

export type RetailStoreOption = { id: string; name: string; active?: boolean };

/** The query string for the list and the CSV export (only what differs from the defaults). */
export function personaQueryString(query: Partial<PersonaListQuery>): string {
  const params = new URLSearchParams();
  if (query.q?.trim()) params.set('q', query.q.trim());
  if (query.sourcedFrom) params.set('sourcedFrom', query.sourcedFrom);
  if (query.favoriteStoreId) params.set('favoriteStoreId', query.favoriteStoreId);
  if (query.loyalty) params.set('loyalty', query.loyalty);
  if (query.archived) params.set('archived', 'true');
  if (query.sort) params.set('sort', query.sort);
  if (query.direction) params.set('direction', query.direction);
  if (query.limit) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  return params.toString();
}

export function personaExportUrl(filters: PersonaFilters & { sort: PersonaSort; direction: SortDirection }): string {
  const query = personaQueryString(filters);
  return `/api/personas/export.csv${query ? `?${query}` : ''}`;
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts (https or localhost). */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const personasApi = {
  list: (query: PersonaListQuery, signal?: AbortSignal) => request<PersonaPage>('GET', `/api/personas?${personaQueryString(query)}`, undefined, signal),
  get: (id: string, signal?: AbortSignal) => request<PersonaWithLoyalty>('GET', `/api/personas/${encodeURIComponent(id)}`, undefined, signal),
  adjustPoints: (id: string, input: { points: number; reason: string; requestId: string }) =>
    request<{ ok: true }>('POST', `/api/personas/${encodeURIComponent(id)}/points`, input),
  retailStores: (signal?: AbortSignal) => request<{ stores: RetailStoreOption[] }>('GET', '/api/retail-stores/options', undefined, signal),
};
