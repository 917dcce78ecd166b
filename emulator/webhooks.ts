/**
 * Webhook subscriptions and delivery for one store.
 *
 * Delivery imitates the real service: a form-encoded POST with `payload` (JSON string, legacy 0.9 shape),
 * `type` and `domain_prefix`; no signature (personal-token tenants get unsigned webhooks); a 5 s timeout;
 * failures (network error, timeout, 5xx) are retried with exponential back-off up to 20 times, while
 * 3xx/4xx answers are final. The back-off base is configurable so tests can compress ~48 h into ms.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Rng, hash32, uuidFrom } from './generator/random.ts';

export const WEBHOOK_TYPES = [
  'sale.update',
  'customer.update',
  'product.update',
  'inventory.update',
  'register_closure.create',
  'consignment.send',
  'consignment.receive',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export interface Webhook {
  id: string;
  retailer_id: string;
  user_id: string;
  url: string;
  active: boolean;
  type: WebhookType;
}

export interface WebhookConfig {
  timeoutMs: number;
  maxRetries: number;
  /** First retry delay; attempt n waits base × 2^(n-1), capped at maxDelayMs. */
  retryBaseMs: number;
  retryMaxDelayMs: number;
  /** Retry 3xx/4xx answers too (the real service does not). */
  retryClientErrors: boolean;
  /** Extra form fields some deliveries carry. */
  includeRetailerId: boolean;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = {
  timeoutMs: 5000,
  maxRetries: 20,
  // 10 s doubling, capped at 4 h: 20 retries span roughly 40 hours, in line with "20 times over 48 hours".
  retryBaseMs: 10_000,
  retryMaxDelayMs: 4 * 3600_000,
  retryClientErrors: false,
  includeRetailerId: false,
};

export interface DeliveryAttempt {
  deliveryId: string;
  webhookId: string;
  type: WebhookType;
  url: string;
  /** 1 = first try, 2 = first retry, ... */
  attempt: number;
  /** HTTP status, or null on network error / timeout. */
  status: number | null;
  error: string | null;
  time: string;
  /** Will there be another attempt? */
  willRetry: boolean;
}

export class WebhookError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class WebhookManager {
  private readonly hooks = new Map<string, Webhook>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<void>>();
  readonly attempts: DeliveryAttempt[] = [];
  private readonly rng: Rng;
  private closed = false;

  constructor(
    seed: number,
    private readonly retailerId: string,
    private readonly userId: string,
    private readonly domainPrefix: string,
    public config: WebhookConfig,
  ) {
    this.rng = new Rng(hash32(seed, 0x3eb));
  }

  /** Validate a subscription body (shared by the 0.9 and 2.0 endpoints). */
  private parse(input: unknown, partial: boolean): Partial<Pick<Webhook, 'url' | 'active' | 'type'>> {
    if (!input || typeof input !== 'object') throw new WebhookError(400, 'Invalid webhook data');
    const o = input as Record<string, unknown>;
    const out: Partial<Pick<Webhook, 'url' | 'active' | 'type'>> = {};
    if (o['type'] !== undefined || !partial) {
      if (typeof o['type'] !== 'string' || !(WEBHOOK_TYPES as readonly string[]).includes(o['type'])) {
        throw new WebhookError(400, `Invalid webhook type: ${String(o['type'])}`);
      }
      out.type = o['type'] as WebhookType;
    }
    if (o['url'] !== undefined || !partial) {
      if (typeof o['url'] !== 'string' || o['url'].length < 3 || !/^https?:\/\//.test(o['url'])) {
        throw new WebhookError(400, 'Invalid webhook url');
      }
      out.url = o['url'];
    }
    if (o['active'] !== undefined) out.active = o['active'] === true || o['active'] === 'true' || o['active'] === 1;
    return out;
  }

  create(input: unknown, opts: { rejectDuplicate?: boolean } = {}): Webhook {
    const p = this.parse(input, false);
    if (opts.rejectDuplicate && this.list().some((h) => h.type === p.type && h.url === p.url)) {
      throw new WebhookError(409, 'A webhook with this type and URL already exists');
    }
    const hook: Webhook = {
      id: uuidFrom(this.rng),
      retailer_id: this.retailerId,
      user_id: this.userId,
      url: p.url!,
      active: p.active ?? true,
      type: p.type!,
    };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  list(): Webhook[] {
    return [...this.hooks.values()];
  }
  get(id: string): Webhook | undefined {
    return this.hooks.get(id);
  }
  update(id: string, input: unknown): Webhook {
    const hook = this.hooks.get(id);
    if (!hook) throw new WebhookError(404, 'Webhook not found');
    Object.assign(hook, this.parse(input, true));
    return hook;
  }
  delete(id: string): boolean {
    return this.hooks.delete(id);
  }

  /** Queue a delivery of `payload` (already the legacy JSON object) to every active hook of `type`. */
  fire(type: WebhookType, payload: () => unknown): void {
    if (this.closed) return;
    const targets = this.list().filter((h) => h.active && h.type === type);
    if (targets.length === 0) return;
    const json = JSON.stringify(payload());
    for (const h of targets) {
      const form = new URLSearchParams({ payload: json, type, domain_prefix: this.domainPrefix });
      if (this.config.includeRetailerId) form.set('retailer_id', this.retailerId);
      this.attempt(uuidFrom(this.rng), h, form.toString(), 1);
    }
  }

  private attempt(deliveryId: string, hook: Webhook, body: string, n: number): void {
    const p = post(hook.url, body, this.config.timeoutMs).then((r) => {
      this.inflight.delete(p);
      const failed = r.status === null || r.status >= 500 || (this.config.retryClientErrors && r.status >= 300);
      const willRetry = failed && n <= this.config.maxRetries && !this.closed;
      this.attempts.push({
        deliveryId, webhookId: hook.id, type: hook.type, url: hook.url, attempt: n,
        status: r.status, error: r.error, time: new Date().toISOString(), willRetry,
      });
      if (!willRetry) return;
      const delay = Math.min(this.config.retryMaxDelayMs, this.config.retryBaseMs * 2 ** (n - 1));
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!this.closed) this.attempt(deliveryId, hook, body, n + 1);
      }, delay);
      this.timers.add(t);
    });
    this.inflight.add(p);
  }

  /** Deliveries currently in flight or waiting for a retry. */
  get pending(): number {
    return this.inflight.size + this.timers.size;
  }

  /** Resolve once nothing is in flight or scheduled (or after `timeoutMs`). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function post(url: string, body: string, timeoutMs: number): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number | null, error: string | null) => {
      if (done) return;
      done = true;
      resolve({ status, error });
    };
    try {
      const u = new URL(url);
      const send = u.protocol === 'https:' ? httpsRequest : request;
      const req = send(
        u,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'Lightspeed-Webhooks-Emulator/1.0',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(res.statusCode ?? null, null));
          res.on('error', (e) => finish(null, e.message));
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy(new Error(`timeout after ${timeoutMs} ms`));
      });
      req.on('error', (e) => finish(null, e.message));
      req.end(body);
    } catch (e) {
      finish(null, (e as Error).message);
    }
  });
}
