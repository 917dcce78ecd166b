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

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
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
};

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
