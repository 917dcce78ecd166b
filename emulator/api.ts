/**
 * The public API surface of one store: API 2.0 resources, /search, and both webhook registration APIs.
 * Pure request → response functions over a Store; transport concerns (auth, rate limit, faults, bytes)
 * live in server.ts.
 */
import type { PageQuery } from './collection.ts';
import type { ListResource, Store } from './store.ts';
import { WRITABLE_CUSTOMER_FIELDS } from './resources/customers.ts';
import { wire } from './resources/setup.ts';
import { WebhookError } from './webhooks.ts';

export interface ApiRequest {
  method: string;
  /** Path after the domain prefix, e.g. "/api/2.0/customers/abc". */
  path: string;
  query: URLSearchParams;
  /** Parsed body: JSON value for JSON requests, field map for form-encoded ones, undefined otherwise. */
  body: unknown;
  bodyError?: string;
}

export interface ApiResponse {
  status: number;
  /** JSON body; undefined = empty body (204). */
  body?: unknown;
  /** For list responses: which list this was (for the page faults) and what `after` it used. */
  list?: { key: string; after: number; versions: number[] };
}

const LIST_RESOURCES = new Set<ListResource>(['outlets', 'registers', 'users', 'customer_groups', 'customers', 'sales', 'products']);
/** Lists that accept `deleted` (per the 2025 spec); users has no such parameter, sales neither. */
const DELETED_PARAM = new Set<ListResource>(['outlets', 'registers', 'customer_groups', 'customers', 'products']);

const err = (status: number, error: string): ApiResponse => ({ status, body: { error } });
const notFound = (what = 'Not Found'): ApiResponse => err(404, what);

export class BadRequest extends Error {}

function intParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || v === '') return null;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new BadRequest(`Invalid value for ${name}: ${v}`);
  return Number(v);
}

const truthy = (v: string | null): boolean => v === 'true' || v === '1';

/** Parse the cursor parameters of a list request. `afterOverride` is used by the page faults. */
export function listQuery(store: Store, resource: ListResource, q: URLSearchParams, afterOverride?: number): PageQuery {
  const cfg = store.config;
  const after = afterOverride ?? intParam(q, 'after') ?? 0;
  const before = intParam(q, 'before');
  const rawSize = q.get('page_size');
  let limit = cfg.pageSizeDefault;
  if (rawSize !== null) {
    if (!/^-?\d+$/.test(rawSize)) throw new BadRequest(`Invalid value for page_size: ${rawSize}`);
    const n = Number(rawSize);
    if (n < 1) throw new BadRequest('page_size must be at least 1');
    limit = Math.min(n, resource === 'sales' ? cfg.salesPageSizeMax : cfg.pageSizeMax);
  }
  let includeDeleted = false;
  if (resource === 'sales') includeDeleted = cfg.salesIncludeDeleted;
  else if (DELETED_PARAM.has(resource)) includeDeleted = truthy(q.get('deleted'));
  return { after, before, beforeInclusive: cfg.beforeInclusive, limit, includeDeleted };
}

export function listKey(resource: string, q: URLSearchParams): string {
  return `${resource}?deleted=${truthy(q.get('deleted'))}`;
}

function envelope(store: Store, rows: Array<Record<string, unknown>>): Record<string, unknown> {
  if (rows.length === 0) {
    return store.config.emptyPageVersion === 'omit' ? { data: [] } : { data: [], version: { min: null, max: null } };
  }
  return { data: rows, version: { min: rows[0]!['version'], max: rows[rows.length - 1]!['version'] } };
}

function customerBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Request body must be a JSON object');
  const o = body as Record<string, unknown>;
  for (const k of WRITABLE_CUSTOMER_FIELDS) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    const want = k === 'enable_loyalty' || k === 'do_not_email' ? 'boolean' : k === 'on_account_limit' ? 'number' : 'string';
    if (typeof v !== want) throw new BadRequest(`${k} must be a ${want}`);
  }
  if (typeof o['email'] === 'string' && o['email'] !== '' && !/^[^@\s]+@[^@\s]+$/.test(o['email'].trim())) {
    throw new BadRequest('email is not a valid email address');
  }
  return o;
}

export function handleApi(store: Store, req: ApiRequest, afterOverride?: number): ApiResponse {
  try {
    return route(store, req, afterOverride);
  } catch (e) {
    if (e instanceof BadRequest) return err(400, e.message);
    if (e instanceof WebhookError) return err(e.status, e.message);
    throw e;
  }
}

function route(store: Store, req: ApiRequest, afterOverride?: number): ApiResponse {
  const { method } = req;
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent); // ["api","2.0",...]
  if (parts[0] !== 'api') return notFound();
  if (parts[1] === 'webhooks') return legacyWebhooks(store, req, parts.slice(2));
  if (parts[1] !== '2.0') return notFound();
  const [resource, id, sub, action] = parts.slice(2);
  if (req.bodyError && (method === 'POST' || method === 'PUT')) return err(400, req.bodyError);

  if (resource === 'retailer' && !id && method === 'GET') return { status: 200, body: { data: store.retailerRecord } };
  if (resource === 'user' && !id && method === 'GET') return { status: 200, body: { data: store.tokenUser } };
  if (resource === 'search' && method === 'GET') return search(store, req.query);
  if (resource === 'webhooks') return jsonWebhooks(store, req, id);

  if (resource === 'customers') {
    const groupId = (req.body as Record<string, unknown> | undefined)?.['customer_group_id'];
    if ((method === 'POST' || method === 'PUT') && typeof groupId === 'string' && !store.customerGroups.getById(groupId)) {
      return err(400, `Unknown customer_group_id: ${groupId}`);
    }
    if (!id && method === 'POST') return { status: 201, body: { data: store.createCustomer(customerBody(req.body)) } };
    if (id && !sub && method === 'PUT') {
      const c = store.updateCustomer(id, customerBody(req.body));
      return c ? { status: 200, body: { data: c } } : notFound('Customer not found');
    }
    if (id && !sub && method === 'DELETE') {
      const c = store.getCustomer(id);
      if (!c || c.deleted_at) return notFound('Customer not found');
      store.deleteCustomer(id);
      return { status: 204 };
    }
    if (id && !sub && method === 'GET') {
      const c = store.getCustomer(id);
      if (!c || (c.deleted_at && store.config.deletedCustomerGet === 404)) return notFound('Customer not found');
      return { status: 200, body: { data: c } };
    }
  }
  if (resource === 'sales' && id && sub === 'actions' && action === 'return' && method === 'PUT') {
    if (!store.getSale(id)) return notFound('Sale not found');
    return { status: 200, body: { data: store.startReturn(id) } };
  }

  if (!resource || !LIST_RESOURCES.has(resource as ListResource)) return notFound();
  const res = resource as ListResource;
  if (method !== 'GET') return err(405, 'Method Not Allowed');
  if (id && sub) return notFound();
  if (id) {
    const row = (store.collection(res) as unknown as { getById(id: string): Record<string, unknown> | undefined }).getById(id);
    return row ? { status: 200, body: { data: wire(row) } } : notFound();
  }
  if (res === 'products' && req.query.get('sku')) {
    // ?sku= loads products by SKU and ignores every other parameter.
    const sku = req.query.get('sku');
    const rows = store.snapshot('products').filter((p) => p['sku'] === sku);
    return { status: 200, body: envelope(store, rows) };
  }
  const q = listQuery(store, res, req.query, afterOverride);
  const rows = store.page(res, q);
  return {
    status: 200,
    body: envelope(store, rows),
    list: { key: listKey(res, req.query), after: q.after, versions: rows.map((r) => Number(r['version'])) },
  };
}

function search(store: Store, q: URLSearchParams): ApiResponse {
  const type = q.get('type');
  if (type !== 'customers' && type !== 'sales' && type !== 'products') return err(400, 'type must be one of sales, products, customers');
  const offset = intParam(q, 'offset') ?? 0;
  const rawSize = q.get('page_size');
  let limit = store.config.searchPageSizeMax;
  if (rawSize !== null) {
    if (!/^-?\d+$/.test(rawSize) || Number(rawSize) < 1) throw new BadRequest(`Invalid value for page_size: ${rawSize}`);
    limit = Math.min(Number(rawSize), store.config.searchPageSizeMax);
  }
  const filters: Record<string, string[]> = {};
  for (const [k, v] of q) (filters[k] ??= []).push(v);
  const order = q.get('order_direction');
  const opts = { offset, limit, includeDeleted: truthy(q.get('deleted')), orderBy: q.get('order_by') ?? undefined, desc: order === 'desc' };
  if (type === 'products') {
    let rows = store.snapshot('products', { includeDeleted: opts.includeDeleted });
    const sku = q.get('sku');
    if (sku) rows = rows.filter((p) => p['sku'] === sku);
    return { status: 200, body: { data: rows.slice(offset, offset + limit) } };
  }
  return { status: 200, body: { data: store.search(type, filters, opts) } };
}

/** 0.9 webhooks: form-encoded `data=<json>`; responses are the bare webhook object (no envelope). */
function legacyWebhooks(store: Store, req: ApiRequest, rest: string[]): ApiResponse {
  const [id, extra] = rest;
  if (extra) return notFound();
  const parseData = (): unknown => {
    const form = req.body as Record<string, unknown> | undefined;
    const raw = form && typeof form === 'object' ? form['data'] : undefined;
    if (typeof raw !== 'string') throw new BadRequest('Missing form field "data"');
    try {
      return JSON.parse(raw);
    } catch {
      throw new BadRequest('Form field "data" is not valid JSON');
    }
  };
  if (!id) {
    if (req.method === 'GET') return { status: 200, body: store.webhooks.list() };
    if (req.method === 'POST') return { status: 200, body: store.webhooks.create(parseData()) };
    return err(405, 'Method Not Allowed');
  }
  const hook = store.webhooks.get(id);
  if (!hook) return notFound('Webhook not found');
  if (req.method === 'GET') return { status: 200, body: hook };
  if (req.method === 'PUT') return { status: 200, body: store.webhooks.update(id, parseData()) };
  if (req.method === 'DELETE') {
    store.webhooks.delete(id);
    return { status: 200, body: { status: 'success' } };
  }
  return err(405, 'Method Not Allowed');
}

/** 2.0 (beta) webhooks: JSON in, `{data: ...}` out, 201 on create, 409 on duplicate type+URL. */
function jsonWebhooks(store: Store, req: ApiRequest, id: string | undefined): ApiResponse {
  if (!id) {
    if (req.method === 'GET') return { status: 200, body: { data: store.webhooks.list() } };
    if (req.method === 'POST') return { status: 201, body: { data: store.webhooks.create(req.body, { rejectDuplicate: true }) } };
    return err(405, 'Method Not Allowed');
  }
  const hook = store.webhooks.get(id);
  if (!hook) return notFound('Webhook not found');
  if (req.method === 'GET') return { status: 200, body: { data: hook } };
  if (req.method === 'PUT') return { status: 200, body: { data: store.webhooks.update(id, req.body) } };
  if (req.method === 'DELETE') {
    store.webhooks.delete(id);
    return { status: 204 };
  }
  return err(405, 'Method Not Allowed');
}
