/**
 * HTTP transport. Plain node:http rather than a framework because the emulator must misbehave on
 * purpose: destroy sockets, send truncated or malformed bodies, delay responses.
 *
 * Request pipeline for `/{domain_prefix}/api/...`:
 *   unknown prefix → 404 HTML (cfg) → rate limit (429) → faults → bearer auth (401) → api.ts → faults on
 *   the body → log.
 */
import { handleBackOffice } from './back-office.ts';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleApi } from './api.ts';
import type { ApiRequest, ApiResponse } from './api.ts';
import type { ActiveFault } from './faults.ts';
import { tooManyRequests } from './rate-limit.ts';
import type { RequestLog } from './request-log.ts';
import type { Store } from './store.ts';

export type UnknownPrefixMode = 'html404' | 'json404' | 'reset';

export interface ServerContext {
  stores: Map<string, Store>;
  log: RequestLog;
  unknownPrefix: UnknownPrefixMode;
  admin: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown) => Promise<void>;
}

const MAX_BODY = 5 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<{ raw: string; parsed: unknown; error?: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw === '') return resolve({ raw, parsed: undefined });
      const type = String(req.headers['content-type'] ?? '');
      if (type.includes('application/x-www-form-urlencoded')) {
        return resolve({ raw, parsed: Object.fromEntries(new URLSearchParams(raw)) });
      }
      try {
        resolve({ raw, parsed: JSON.parse(raw) });
      } catch {
        resolve({ raw, parsed: undefined, error: 'Request body is not valid JSON' });
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startHttpServer(ctx: ServerContext, port: number, host: string): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'Internal emulator error', detail: (e as Error).message }));
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Clients hold keep-alive connections; keep them from lingering after close().
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port, sockets });
    });
  });
}

function queryRecord(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) out[k] = k in out && k === 'status' ? `${out[k]},${v}` : v;
  return out;
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  const method = (req.method ?? 'GET').toUpperCase();
  const segs = url.pathname.split('/');
  const first = segs[1] ?? '';
  const body = await readBody(req).catch(() => ({ raw: '', parsed: undefined, error: 'Could not read body' }));

  if (first === '_admin') {
    await ctx.admin(req, res, '/' + segs.slice(2).join('/'), url.searchParams, body.error ? undefined : body.parsed);
    return;
  }

  const path = '/' + segs.slice(2).join('/');
  const store = ctx.stores.get(first);
  const log = (status: number, faults?: ActiveFault[]) =>
    ctx.log.add({
      time: new Date(started).toISOString(),
      store: store ? first : null,
      method,
      path: store ? path : url.pathname,
      query: queryRecord(url.searchParams),
      status,
      durationMs: Date.now() - started,
      ...(faults?.length ? { faults: faults.map((f) => f.kind) } : {}),
    });

  if (!store) {
    // What a wrong prefix returns live is undocumented; default to an HTML 404 (a generic web page).
    if (ctx.unknownPrefix === 'reset') {
      log(0);
      req.socket.destroy();
      return;
    }
    log(404);
    if (ctx.unknownPrefix === 'json404') return send(res, 404, { error: 'Not Found' }, {});
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Sorry, we couldn&#39;t find that store.</h1></body></html>');
    return;
  }

  // The back office's token page is a web page, not the API: no token, no rate limit.
  if (path.startsWith('/setup/') && handleBackOffice(store, req, res, path, body.parsed as Record<string, string> | undefined)) return;

  // Rate limit first: every request to the store spends budget, authenticated or not.
  const rl = store.rateLimiter.take();
  const rlHeaders: Record<string, string> = { 'X-RateLimit-Limit': String(rl.limit), 'X-RateLimit-Remaining': String(rl.remaining) };
  const limited = (faults?: ActiveFault[]) => {
    const t = tooManyRequests(store.config.rateLimit.retryAfter, rl.allowed ? store.clock.wallNow() + store.config.rateLimit.windowMs : rl.resetAtMs, store.clock.wallNow());
    log(429, faults);
    send(res, 429, t.body, { ...rlHeaders, 'X-RateLimit-Remaining': '0', ...t.headers });
  };
  if (!rl.allowed) return limited();

  const faults = store.faults.pick(method, path);
  for (const f of faults) if (f.kind === 'delay') await sleep(f.delayMs ?? 1000);
  const fault = faults.find((f) => f.kind !== 'delay');
  switch (fault?.kind) {
    case 'reset':
      log(0, faults);
      req.socket.destroy();
      return;
    case 'status': {
      const status = fault.status ?? 500;
      log(status, faults);
      return send(res, status, { error: status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : 'Internal Server Error' }, rlHeaders);
    }
    case 'unauthorized':
      log(401, faults);
      return send(res, 401, { error: 'Access token is not valid' }, rlHeaders);
    case 'rate_limit':
      return limited(faults);
    default:
      break;
  }

  const auth = store.tokens.check(req.headers.authorization);
  if (auth !== 'ok') {
    const message = {
      missing: 'Authorization header is missing',
      invalid: 'Access token is not valid',
      expired: 'Access token has expired',
      revoked: 'Access token has been revoked',
    }[auth];
    log(401, faults);
    return send(res, 401, { error: message }, rlHeaders);
  }

  const apiReq: ApiRequest = { method, path, query: url.searchParams, body: body.parsed, ...(body.error ? { bodyError: body.error } : {}) };
  let afterOverride: number | undefined;
  if (fault?.kind === 'duplicate_page' || fault?.kind === 'overlap_page') {
    afterOverride = pageFaultAfter(store, apiReq, fault.kind);
  }
  const out: ApiResponse = handleApi(store, apiReq, afterOverride);
  if (out.list && out.status === 200) {
    // Remember the page so duplicate/overlap faults can replay it; keep the real cursor progression.
    const prev = store.lastPages.get(out.list.key);
    if (afterOverride === undefined || !prev) store.lastPages.set(out.list.key, { after: out.list.after, versions: out.list.versions });
  }
  log(out.status, faults);
  if (out.body === undefined) {
    res.writeHead(out.status, rlHeaders);
    res.end();
    return;
  }
  let text = JSON.stringify(out.body);
  if (fault?.kind === 'truncate') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  if (fault?.kind === 'malformed') text = text.replace(/^\{/, '{"data": [,').replace(/\}$/, ',}');
  sendText(res, out.status, text, rlHeaders);
}

/**
 * The `after` a duplicate/overlap page fault should use instead of the client's. A replay only ever
 * moves the cursor back (rows repeat): when the client asks from before the last page served (a new
 * run starting from its committed cursor after pages it read ahead were dropped), replaying that page
 * would skip the rows in between, which no real API does, so the request is served as asked.
 */
function pageFaultAfter(store: Store, req: ApiRequest, kind: 'duplicate_page' | 'overlap_page'): number | undefined {
  const resource = req.path.split('/')[3] ?? '';
  const key = `${resource}?deleted=${req.query.get('deleted') === 'true' || req.query.get('deleted') === '1'}`;
  const prev = store.lastPages.get(key);
  if (!prev || prev.versions.length === 0) return undefined;
  // Start halfway through the previous page: its second half is served again, then new rows.
  const half = Math.floor(prev.versions.length / 2);
  const replayFrom = kind === 'duplicate_page' || half === 0 ? prev.after : prev.versions[half - 1]!;
  const asked = Number(req.query.get('after') ?? 0);
  return replayFrom <= asked ? replayFrom : undefined;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
