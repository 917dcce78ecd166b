import type { z } from 'zod';
import { LightspeedError } from './errors.ts';
import { RequestBudget } from './request-budget.ts';
import { retryAfterMs } from './retry-after.ts';
import { PageEnvelopeSchema, RetailerSchema, type Retailer } from './schemas.ts';
import { resources, type ResourceName } from './resources.ts';

export type LightspeedClientOptions = {
  /** e.g. `https://{domain_prefix}.retail.lightspeed.app`, or the emulator's `http://127.0.0.1:4010/{domain_prefix}`. */
  baseUrlTemplate: string;
  domainPrefix: string;
  token: string;
  timeoutMs?: number;
  /** Shared by every request of one credential so pacing sees all of them. */
  budget?: RequestBudget;
  /** Counts each HTTP request made (for sync statistics). */
  onRequest?: () => void;
};

export type Page = {
  /** Raw records: each is validated by the caller, so one bad record cannot sink the page. */
  records: unknown[];
  /** The cursor to resume after this page (`version.max`, or the largest record version). */
  cursor: number;
};

/**
 * A typed reader of Lightspeed Retail X-Series API 2.0 for one store. It classifies every failure
 * (see LightspeedError), paces itself with the store's rate-limit headers, and never puts the token
 * in a message. It does not retry: the caller decides (the sync reschedules, a form asks again).
 */
export class LightspeedClient {
  readonly baseUrl: string;
  readonly budget: RequestBudget;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly onRequest: (() => void) | undefined;

  constructor(options: LightspeedClientOptions) {
    this.baseUrl = `${options.baseUrlTemplate.replace('{domain_prefix}', options.domainPrefix)}/api/2.0`;
    this.token = options.token.trim();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.budget = options.budget ?? new RequestBudget();
    this.onRequest = options.onRequest;
  }

  /** GET a path under /api/2.0 and return the parsed JSON body. */
  async get(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<unknown> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const { status, body, described } = await this.send('GET', url);
    if (body === undefined) {
      // A cut-off or garbled body is a transport hiccup far more often than a contract change.
      throw new LightspeedError('transient', `Lightspeed sent an incomplete or malformed JSON answer (${described}).`, { status, request: described });
    }
    return body;
  }

  /**
   * A call to the legacy 0.9 API under /api (webhook registration lives only there for personal
   * tokens): form-encoded in, JSON out. Same error classes as `get`.
   */
  async legacy(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, form?: Record<string, string>): Promise<unknown> {
    const url = new URL(this.baseUrl.replace(/\/2\.0$/, '') + path);
    const { body } = await this.send(method, url, form);
    return body ?? null;
  }

  /**
   * One request: paced by the budget, counted, bounded by the timeout; a 2xx returns the parsed body
   * (undefined when it is not JSON), anything else throws a classified LightspeedError.
   */
  private async send(method: string, url: URL, form?: Record<string, string>): Promise<{ status: number; body: unknown; described: string }> {
    const described = `${method} ${url.pathname}${url.search}`;
    await this.budget.waitTurn();
    this.onRequest?.();
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new LightspeedError(
        'transient',
        timedOut ? `Lightspeed did not answer within ${this.timeoutMs / 1000} s (${described}).` : `Could not reach Lightspeed (${described}): ${networkCause(error)}.`,
        { request: described },
      );
    }
    this.budget.observe(response.headers);
    const body = parseJson(await response.text().catch(() => undefined));
    if (response.status >= 200 && response.status < 300) return { status: response.status, body, described };
    throw classifyFailure(response.status, response.headers, body, described);
  }

  /** The store behind the token: the credential check and the retailer's name, country and currency. */
  async getRetailer(): Promise<Retailer> {
    const body = await this.get('/retailer');
    const data = (body as { data?: unknown }).data;
    // Some examples wrap single objects in an array.
    const parsed = RetailerSchema.safeParse(Array.isArray(data) ? data[0] : data);
    if (!parsed.success) {
      throw new LightspeedError('bad_payload', `The store's details came back in an unexpected shape (${issuePath(parsed.error)}).`, { path: issuePath(parsed.error) });
    }
    return parsed.data;
  }

  /**
   * Walks a version-cursored collection from `after` (exclusive) to the end, one page at a time,
   * at the largest page size the endpoint allows, including soft-deleted rows where the endpoint
   * can hide them.
   */
  async *pages(resourceName: ResourceName, options: { after?: number; pageSize?: number } = {}): AsyncGenerator<Page> {
    let cursor = options.after ?? 0;
    for (;;) {
      const page = await this.page(resourceName, cursor, options.pageSize);
      if (!page) return;
      yield page;
      cursor = page.cursor;
    }
  }

  /** One page after `after`, or undefined when there is nothing newer (the end of the collection). */
  async page(resourceName: ResourceName, after: number, pageSize?: number): Promise<Page | undefined> {
    const resource = resources[resourceName];
    const body = await this.get(resource.path, {
      after,
      page_size: pageSize ?? resource.maxPageSize,
      deleted: resource.deleted ? true : undefined,
    });
    const envelope = PageEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new LightspeedError('bad_payload', `The ${resourceName} page is not a {data, version} list (${issuePath(envelope.error)}).`, { path: issuePath(envelope.error) });
    }
    const records = envelope.data.data;
    if (records.length === 0) return undefined;
    const next = envelope.data.version?.max ?? largestVersion(records);
    if (next === undefined) {
      throw new LightspeedError('bad_payload', `The ${resourceName} page has no versions to continue from.`, { path: 'version.max' });
    }
    // A page holding nothing newer than the cursor repeats what we already have (a replayed or
    // overlapping page). Stop here rather than loop: the cursor has not moved, so the next run
    // carries on from the same place and nothing is skipped.
    if (next <= after) return undefined;
    return { records, cursor: next };
  }

  /** Validates one raw record of a resource; failures name the field, for quarantine. */
  static parseRecord<Name extends ResourceName>(
    resourceName: Name,
    raw: unknown,
  ): { ok: true; record: z.infer<(typeof resources)[Name]['schema']> } | { ok: false; error: string } {
    const parsed = resources[resourceName].schema.safeParse(raw);
    if (parsed.success) return { ok: true, record: parsed.data as z.infer<(typeof resources)[Name]['schema']> };
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') || '(record)'}: ${issue?.message ?? 'invalid'}` };
  }
}

function classifyFailure(status: number, headers: Headers, body: unknown, described: string): LightspeedError {
  const serverMessage = messageOf(body);
  const details = { status, request: described };
  if (status === 401) {
    return new LightspeedError('auth', 'Lightspeed rejected the token: check that it was copied whole and has not expired or been revoked.', details);
  }
  if (status === 403) return new LightspeedError('forbidden', `Lightspeed refused access (${described})${serverMessage ? `: ${serverMessage}` : ''}.`, details);
  if (status === 429) {
    const wait = retryAfterMs(headers, body);
    return new LightspeedError('rate_limited', `Lightspeed's rate limit was reached; retry in ${Math.ceil(wait / 1000)} s.`, { ...details, retryAfterMs: wait });
  }
  if (status >= 500) return new LightspeedError('transient', `Lightspeed had a server error ${status} (${described}); it usually passes.`, details);
  // A wrong prefix never reaches a store: the answer is a redirect or an HTML page, not the API's JSON.
  if ((status >= 300 && status < 400) || (status === 404 && body === undefined)) {
    return new LightspeedError('store_not_found', 'No Lightspeed store answers at this domain prefix: check the store name in your Lightspeed address.', details);
  }
  if (status === 404) return new LightspeedError('not_found', `Lightspeed has no such record (${described}).`, details);
  return new LightspeedError('bad_payload', `Lightspeed answered ${status} to ${described}${serverMessage ? `: ${serverMessage}` : ''}.`, details);
}

/** The error text of an error body, in any of the shapes seen in the wild. */
function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.error === 'string') {
    return typeof record.error_description === 'string' ? `${record.error}: ${record.error_description}` : record.error;
  }
  if (typeof record.message === 'string') return record.message;
  if (Array.isArray(record.errors)) {
    const first = record.errors[0] as { message?: unknown } | undefined;
    if (typeof first?.message === 'string') return first.message;
  }
  return undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function largestVersion(records: unknown[]): number | undefined {
  let max: number | undefined;
  for (const record of records) {
    const value = Number((record as { version?: unknown }).version);
    if (Number.isFinite(value) && (max === undefined || value > max)) max = value;
  }
  return max;
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function issuePath(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
