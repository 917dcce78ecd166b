/**
 * Admin HTTP API under `/_admin/` (a prefix the real API never uses). It mirrors the in-process helpers on
 * Store/Emulator so that a separately started emulator (`tsx emulator/main.ts`) can be driven by scripts,
 * demos and non-Node tests. No authentication: the emulator only listens on 127.0.0.1.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from './index.ts';
import type { FaultRule } from './faults.ts';
import type { ListResource, SaleInput, Store, StoreOptions } from './store.ts';
import { send } from './server.ts';

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const obj = (b: unknown): Json => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Json) : {});

export function storeInfo(emu: Emulator, s: Store): Json {
  return {
    domainPrefix: s.domainPrefix,
    baseUrl: emu.baseUrl(s.domainPrefix),
    token: s.token,
    retailerId: s.retailerRecord['id'],
    counts: {
      customers: s.customers.count,
      sales: s.sales.count,
      outlets: s.outlets.count,
      registers: s.registers.count,
      users: s.users.count,
      products: s.products.count,
      editedCustomers: s.customers.overrideCount,
      editedSales: s.sales.overrideCount,
    },
    walkInCustomerId: s.walkInCustomerId,
    latestVersion: s.versions.last,
    rateLimit: { ...s.config.rateLimit, ...s.rateLimiter.peek() },
    config: s.config,
  };
}

export async function handleAdmin(emu: Emulator, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown): Promise<void> {
  try {
    const out = route(emu, (req.method ?? 'GET').toUpperCase(), path.split('/').filter(Boolean).map(decodeURIComponent), query, obj(body), body);
    if (out === undefined) {
      res.writeHead(204);
      res.end();
    } else send(res, out.status ?? 200, out.body, {});
  } catch (e) {
    const status = e instanceof HttpError ? e.status : 400;
    send(res, status, { error: (e as Error).message }, {});
  }
}

function route(emu: Emulator, method: string, parts: string[], q: URLSearchParams, b: Json, raw: unknown): { status?: number; body: unknown } | undefined {
  const [top, prefix, what, id, action] = parts;
  if (top === 'requests' && !prefix) {
    if (method === 'DELETE') return void emu.requestLog.reset();
    return { body: { count: emu.requestLog.count(), entries: emu.requestLog.entries() } };
  }
  if (top !== 'stores') throw new HttpError(404, 'Unknown admin route');
  if (!prefix) {
    if (method === 'GET') return { body: [...emu.stores.values()].map((s) => storeInfo(emu, s)) };
    if (method === 'POST') return { status: 201, body: storeInfo(emu, emu.createStore(b as unknown as StoreOptions)) };
    throw new HttpError(405, 'Method not allowed');
  }
  const s = emu.stores.get(prefix);
  if (!s) throw new HttpError(404, `Unknown store ${prefix}`);
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new HttpError(404, `${what} not found`);
    return v;
  };

  switch (what) {
    case undefined:
      if (method === 'DELETE') return void emu.removeStore(prefix);
      return { body: storeInfo(emu, s) };
    case 'tokens':
      if (method === 'GET') return { body: s.listTokens() };
      if (method === 'POST') return { status: 201, body: s.createToken({ name: b['name'] as string | undefined, expiresAt: (b['expires_at'] ?? b['expiresAt'] ?? null) as string | null, token: b['token'] as string | undefined }) };
      if (method === 'DELETE' && id) {
        if (!s.revokeToken(id)) throw new HttpError(404, 'Token not found or already revoked');
        return undefined;
      }
      if (method === 'PUT' && id) {
        if (!s.tokens.setExpiry(id, (b['expires_at'] ?? b['expiresAt'] ?? null) as string | null)) throw new HttpError(404, 'Token not found');
        return { body: s.tokens.find(id) };
      }
      break;
    case 'customers':
      if (id === 'merge' && method === 'POST') {
        return { body: s.mergeCustomers(String(b['keep_id'] ?? b['keepId']), String(b['duplicate_id'] ?? b['duplicateId'])) };
      }
      if (!id && method === 'POST') return { status: 201, body: { data: s.createCustomer(b) } };
      if (id && method === 'PUT') return { body: { data: need(s.updateCustomer(id, b), 'Customer') } };
      if (id && method === 'DELETE') {
        if (!s.deleteCustomer(id)) throw new HttpError(404, 'Customer not found or already deleted');
        return undefined;
      }
      if (id && method === 'GET') return { body: { data: need(s.getCustomer(id), 'Customer') } };
      if (id && action === 'sales' && method === 'GET') return { body: s.salesOfCustomer(id) };
      break;
    case 'sales':
      if (!id && method === 'POST') return { status: 201, body: { data: s.createSale(b as SaleInput) } };
      if (id && !action && method === 'DELETE') return { body: { data: s.deleteSale(id) } };
      if (id && !action && method === 'GET') return { body: { data: need(s.getSale(id), 'Sale') } };
      if (id && method === 'POST') {
        if (action === 'void') return { body: { data: s.voidSale(id) } };
        if (action === 'close') return { body: { data: s.closeSale(id) } };
        if (action === 'return') return { status: 201, body: { data: s.startReturn(id) } };
        if (action === 'complete-return') return { body: { data: s.completeReturn(id) } };
      }
      break;
    case 'outlets':
      if (method === 'POST') return { status: 201, body: { data: s.addOutlet({ name: b['name'] as string | undefined }) } };
      break;
    case 'registers':
      if (method === 'POST') return { status: 201, body: { data: s.addRegister({ outletId: (b['outlet_id'] ?? b['outletId']) as string | undefined, name: b['name'] as string | undefined }) } };
      break;
    case 'snapshot':
      if (id && method === 'GET') return { body: { data: s.snapshot(id as ListResource, { includeDeleted: q.get('deleted') !== 'false' }) } };
      break;
    case 'clock':
      if (method === 'POST') {
        const ms = Number(b['advance_ms'] ?? b['advanceMs'] ?? 0) + Number(b['advance_days'] ?? 0) * 86_400_000;
        s.advanceClock(ms);
        return { body: { now: new Date(s.clock.now()).toISOString() } };
      }
      return { body: { now: new Date(s.clock.now()).toISOString() } };
    case 'faults':
      if (method === 'GET') return { body: s.faults.list() };
      if (method === 'PUT') {
        const rules = Array.isArray(raw) ? (raw as FaultRule[]) : ((b['rules'] as FaultRule[] | undefined) ?? []);
        s.setFaults(rules, b['seed'] as number | undefined);
        return { body: s.faults.list() };
      }
      if (method === 'POST') {
        s.faults.add(b as unknown as FaultRule);
        return { status: 201, body: s.faults.list() };
      }
      if (method === 'DELETE') return void s.clearFaults();
      break;
    case 'requests': {
      if (method === 'DELETE') return void emu.requestLog.reset(prefix);
      const f = { store: prefix, ...(q.get('path') ? { path: q.get('path')! } : {}), ...(q.get('method') ? { method: q.get('method')! } : {}) };
      return { body: { count: emu.requestLog.count(f), counters: emu.requestLog.counters(f), entries: emu.requestLog.entries(f) } };
    }
    case 'rate-limit':
      if (method === 'PUT') s.setRateLimit(b);
      return { body: { ...s.config.rateLimit, ...s.rateLimiter.peek() } };
    case 'webhook-deliveries':
      return { body: s.webhooks.attempts };
    case 'live':
      if (method === 'POST') {
        if (b['enabled'] === false) s.stopLiveTrading();
        else s.startLiveTrading(Number(b['interval_ms'] ?? b['intervalMs'] ?? 3000));
        return { body: { enabled: b['enabled'] !== false } };
      }
      break;
    default:
      break;
  }
  throw new HttpError(404, 'Unknown admin route');
}
