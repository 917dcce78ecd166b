/**
 * Per-store request budget: `300 × registers + 50` requests per window (300 s on the real service).
 * A fixed window is used (whether Lightspeed's is fixed or sliding is undocumented); the window length is
 * configurable so tests can squeeze five minutes into a second or two.
 */
export type RetryAfterStyle = 'http-date' | 'seconds' | 'body';

export interface RateLimitConfig {
  enabled: boolean;
  windowMs: number;
  /** Fixed limit; null = the formula from the number of active registers. */
  limit: number | null;
  retryAfter: RetryAfterStyle;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends (ms, on the store's wall clock). */
  resetAtMs: number;
}

export class RateLimiter {
  private windowStart = 0;
  private used = 0;
  constructor(
    public config: RateLimitConfig,
    private readonly activeRegisters: () => number,
    private readonly now: () => number,
  ) {}

  get limit(): number {
    return this.config.limit ?? 300 * this.activeRegisters() + 50;
  }

  private roll(): void {
    const now = this.now();
    if (now >= this.windowStart + this.config.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  /** Count one request. Requests refused with 429 do not use up budget. */
  take(): RateDecision {
    this.roll();
    const limit = this.limit;
    const resetAtMs = this.windowStart + this.config.windowMs;
    if (!this.config.enabled) return { allowed: true, limit, remaining: Math.max(0, limit - this.used), resetAtMs };
    if (this.used >= limit) return { allowed: false, limit, remaining: 0, resetAtMs };
    this.used++;
    return { allowed: true, limit, remaining: limit - this.used, resetAtMs };
  }

  /** Current state without counting a request. */
  peek(): RateDecision {
    this.roll();
    const limit = this.limit;
    return { allowed: this.used < limit, limit, remaining: Math.max(0, limit - this.used), resetAtMs: this.windowStart + this.config.windowMs };
  }

  reset(): void {
    this.windowStart = 0;
    this.used = 0;
  }
}

/** Headers and body of a 429, in the configured style. */
export function tooManyRequests(style: RetryAfterStyle, resetAtMs: number, nowMs: number): { headers: Record<string, string>; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { error: 'Too Many Requests', message: 'Rate limiting enforced' };
  // Round up so a client that sleeps until Retry-After is never early.
  const at = new Date(Math.ceil(resetAtMs / 1000) * 1000);
  if (style === 'http-date') return { headers: { 'Retry-After': at.toUTCString() }, body };
  if (style === 'seconds') return { headers: { 'Retry-After': String(Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000))) }, body };
  // Legacy Vend: the retry moment in the body, no header.
  return { headers: {}, body: { ...body, 'retry-after': at.toISOString() } };
}
