/**
 * Importable entry point of the Lightspeed Retail X-Series emulator.
 *
 * ```ts
 * import { startEmulator } from '../emulator/index.ts';
 * const emu = await startEmulator();                        // port 0 = a free port, 127.0.0.1 only
 * const store = emu.createStore({ domainPrefix: 'shop1', customers: 50, sales: 200, seed: 7 });
 * // Patron is configured with emu.baseUrlTemplate ("http://127.0.0.1:PORT/{domain_prefix}") + store.token
 * store.createCustomer({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org' });
 * emu.requestLog.count({ store: 'shop1', path: '/api/2.0/customers' });
 * await emu.close();
 * ```
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { handleAdmin } from './admin.ts';
import type { FaultRule } from './faults.ts';
import { RequestLog } from './request-log.ts';
import type { RequestFilter } from './request-log.ts';
import { startHttpServer } from './server.ts';
import type { UnknownPrefixMode } from './server.ts';
import { Store } from './store.ts';
import type { StoreOptions } from './store.ts';

export { Store, DEFAULT_STORE_CONFIG } from './store.ts';
export type { StoreOptions, StoreConfig, CustomerInput, SaleInput, ListResource } from './store.ts';
export type { FaultRule, FaultKind } from './faults.ts';
export type { RequestEntry, RequestFilter } from './request-log.ts';
export type { TokenInfo } from './tokens.ts';
export type { Webhook, WebhookType, DeliveryAttempt, WebhookConfig } from './webhooks.ts';
export { WEBHOOK_TYPES } from './webhooks.ts';
export type { Customer } from './resources/customers.ts';
export type { Sale, SaleStatus } from './resources/sales.ts';
export type { RateLimitConfig, RetryAfterStyle } from './rate-limit.ts';
export type { UnknownPrefixMode } from './server.ts';

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** What an unknown domain prefix gets: HTML 404 (default), JSON 404, or a dropped connection. */
  unknownPrefix?: UnknownPrefixMode;
  /** Stores to create at start. */
  stores?: StoreOptions[];
  /** Max request-log entries kept (counters are exact regardless). */
  requestLogCap?: number;
}

export class Emulator {
  /** Stores by domain prefix. */
  readonly stores = new Map<string, Store>();
  /** Every API request answered (not admin calls). */
  readonly requestLog: RequestLog;
  unknownPrefix: UnknownPrefixMode;
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;
  host: string;

  constructor(opts: EmulatorOptions = {}) {
    this.requestLog = new RequestLog(opts.requestLogCap);
    this.unknownPrefix = opts.unknownPrefix ?? 'html404';
    this.host = opts.host ?? '127.0.0.1';
  }

  /** Origin, e.g. "http://127.0.0.1:4010". */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }
  /** What Patron's "base URL template" setting should hold: "http://127.0.0.1:PORT/{domain_prefix}". */
  get baseUrlTemplate(): string {
    return `${this.url}/{domain_prefix}`;
  }
  /** Base URL of one store (append "/api/2.0/..."). */
  baseUrl(domainPrefix: string): string {
    return `${this.url}/${domainPrefix}`;
  }

  /** Create a store (throws if the prefix is taken). Returns the Store with `.token` and all helpers. */
  createStore(opts: StoreOptions): Store {
    if (this.stores.has(opts.domainPrefix)) throw new Error(`store ${opts.domainPrefix} already exists`);
    const s = new Store(opts);
    this.stores.set(s.domainPrefix, s);
    return s;
  }

  /** The store for a prefix (throws when unknown). */
  store(domainPrefix: string): Store {
    const s = this.stores.get(domainPrefix);
    if (!s) throw new Error(`unknown store ${domainPrefix}`);
    return s;
  }

  removeStore(domainPrefix: string): boolean {
    const s = this.stores.get(domainPrefix);
    s?.close();
    return this.stores.delete(domainPrefix);
  }

  /** Replace the fault rules of a store (see FaultRule). */
  setFaults(domainPrefix: string, rules: FaultRule[], seed?: number): void {
    this.store(domainPrefix).setFaults(rules, seed);
  }

  /** Number of API requests matching the filter (e.g. `{ store: 'shop1', path: '/api/2.0/sales' }`). */
  countRequests(filter: RequestFilter = {}): number {
    return this.requestLog.count(filter);
  }

  async listen(port = 0): Promise<void> {
    const self = this as Emulator;
    const s = await startHttpServer(
      {
        stores: this.stores,
        log: this.requestLog,
        // A getter, so changing emu.unknownPrefix later takes effect immediately.
        get unknownPrefix() {
          return self.unknownPrefix;
        },
        admin: (req, res, path, query, body) => handleAdmin(self, req, res, path, query, body),
      },
      port,
      this.host,
    );
    this.server = s.server;
    this.sockets = s.sockets;
    this.port = s.port;
  }

  /** Stop timers (live trading, webhook retries) and the HTTP server; drops open connections. */
  async close(): Promise<void> {
    for (const s of this.stores.values()) s.close();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const sock of this.sockets) sock.destroy();
    });
  }
}

/** Start an emulator listening on 127.0.0.1 (port 0 by default), optionally with stores. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new Emulator(opts);
  for (const s of opts.stores ?? []) emu.createStore(s);
  await emu.listen(opts.port ?? 0);
  return emu;
}
