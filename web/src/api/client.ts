/**
 * Typed access to Patron's JSON API. Every call goes to the same origin with the session cookie;
 * an `{error:{code,message,field?}}` body (or a network failure) becomes an `ApiError`.
 */

export type Role = 'admin' | 'member';

export type User = { id: string; name: string; email: string; role: Role; createdAt?: string };
export type Company = { id: string; name: string };
export type Session = { user: User; company: Company };

export type Notification = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  updatedAt: string;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

type ErrorBody = { error?: { code?: unknown; message?: unknown; field?: unknown } };

let onUnauthenticated: (() => void) | undefined;

/** Called when a request that needed a session got 401 unauthenticated (the session ended). */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/**
 * One JSON request to Patron's API on this origin, with the session cookie. Error answers become an
 * ApiError (code, message, field); an ended session also calls the unauthenticated handler.
 */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Could not reach Patron. Check your connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = (parsed as ErrorBody | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}. Try again.`;
    const field = typeof error?.field === 'string' ? error.field : undefined;
    if (response.status === 401 && code === 'unauthenticated') onUnauthenticated?.();
    throw new ApiError(response.status, code, message, field);
  }
  return parsed as T;
}

export type IntegrationSummary = { id: string; name: string; category: string; description: string; credentialCount: number };

export type IntegrationGrid = {
  features: Array<{ id: string; label: string }>;
  integrations: Array<{ id: string; name: string; category: string; features: Record<string, boolean> }>;
};

export type EmailConsent = 'respect_do_not_email' | 'opt_out_only';

export type IntegrationSettings = {
  /** YYYY-MM-DD; null imports the whole history. */
  historyStartDate: string | null;
  excludedCustomerGroupIds: string[];
  emailConsent: EmailConsent;
  realtimeUpdates: boolean;
  /** 1..1440 */
  syncIntervalMinutes: number;
};

export type CredentialStatus = 'active' | 'invalid' | 'paused';

export type Credential = {
  id: string;
  storeAddress: string;
  storeName: string;
  tokenMasked: string;
  status: CredentialStatus;
  statusReason: string | null;
  outletCount: number;
  registerCount: number;
  /** Requests allowed per 5-minute window, once Lightspeed has reported it. */
  rateLimit: number | null;
  country: string | null;
  currency: string | null;
  lastCheckedAt: string | null;
  createdAt: string;
};

export type Connection = {
  provider: string;
  id: string | null;
  ageGateConfirmed: boolean;
  ageGateConfirmedAt: string | null;
  settings: IntegrationSettings;
  credentials: Credential[];
  updatedAt: string | null;
};

export type ConnectionPage = {
  integration: { id: string; name: string; credentialLabels: { token: string; storeAddress: string } };
  connection: Connection;
  realtimeAvailable: boolean;
};

export type CustomerGroup = { id: string; name: string };

const connectionPath = (provider: string) => `/api/connections/${encodeURIComponent(provider)}`;

export const api = {
  setup: () => request<{ hasUsers: boolean }>('GET', '/api/setup'),
  me: (signal?: AbortSignal) => request<Session>('GET', '/api/auth/me', undefined, signal),
  signUp: (input: { companyName: string; name: string; email: string; password: string }) =>
    request<{ user: User; company: Company }>('POST', '/api/auth/sign-up', input),
  signIn: (input: { email: string; password: string }) => request<{ ok: true }>('POST', '/api/auth/sign-in', input),
  signOut: () => request<{ ok: true }>('POST', '/api/auth/sign-out', {}),
  listUsers: (signal?: AbortSignal) => request<{ users: User[] }>('GET', '/api/users', undefined, signal),
  addUser: (input: { name: string; email: string; password: string; role: Role }) =>
    request<{ user: User }>('POST', '/api/users', input),
  notifications: (signal?: AbortSignal) =>
    request<{ notifications: Notification[]; count: number }>('GET', '/api/notifications', undefined, signal),
  integrations: (query: string, signal?: AbortSignal) =>
    request<{ integrations: IntegrationSummary[] }>('GET', `/api/integrations${query ? `?q=${encodeURIComponent(query)}` : ''}`, undefined, signal),
  integrationGrid: (signal?: AbortSignal) => request<IntegrationGrid>('GET', '/api/integrations/grid', undefined, signal),
  connection: (provider: string, signal?: AbortSignal) => request<ConnectionPage>('GET', connectionPath(provider), undefined, signal),
  addCredential: (provider: string, input: { token: string; storeAddress: string }) =>
    request<{ credential: Credential }>('POST', `${connectionPath(provider)}/credentials`, input),
  replaceToken: (provider: string, credentialId: string, token: string) =>
    request<{ credential: Credential }>('PUT', `${connectionPath(provider)}/credentials/${encodeURIComponent(credentialId)}/token`, { token }),
  removeCredential: (provider: string, credentialId: string, data: 'keep' | 'purge') =>
    request<{ ok: true }>('DELETE', `${connectionPath(provider)}/credentials/${encodeURIComponent(credentialId)}?data=${data}`),
  updateConnection: (provider: string, input: { ageGateConfirmed: boolean; settings: IntegrationSettings }) =>
    request<{ connection: Connection; syncQueued: string[] }>('PUT', connectionPath(provider), input),
  /** The store's customer groups, known after the first sync. A 404 means the server cannot list them yet. */
  customerGroups: (provider: string, signal?: AbortSignal) =>
    request<{ groups: CustomerGroup[] }>('GET', `${connectionPath(provider)}/customer-groups`, undefined, signal),
};

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
