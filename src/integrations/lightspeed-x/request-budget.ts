import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Paces requests so a sync never runs into a 429. Lightspeed reports the bucket on every answer
 * (`X-RateLimit-Limit`, `X-RateLimit-Remaining`; the limit is 300 × registers + 50 per 5 minutes).
 * While plenty remains we go at full speed; below a reserve we spread the rest over what is left of
 * the window, so the tills' and other apps' use of the same store is never starved either.
 */
export class RequestBudget {
  limit: number | undefined;
  remaining: number | undefined;
  private observedAt = 0;
  /** When the current window began, as far as we can tell: the moment `remaining` last went up. */
  private windowStartedAt = 0;

  constructor(
    private readonly windowMs = 300_000,
    private readonly reserveShare = 0.1,
  ) {}

  observe(headers: Headers, now = Date.now()): void {
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    if (Number.isFinite(limit) && limit > 0 && headers.has('x-ratelimit-limit')) this.limit = limit;
    if (Number.isFinite(remaining) && headers.has('x-ratelimit-remaining')) {
      if (this.remaining === undefined || remaining > this.remaining) this.windowStartedAt = now;
      this.remaining = remaining;
    }
    this.observedAt = now;
  }

  /** Milliseconds to wait before the next request (0 while the budget is comfortable). */
  delayMs(now = Date.now()): number {
    if (this.limit === undefined || this.remaining === undefined) return 0;
    const reserve = Math.max(1, Math.floor(this.limit * this.reserveShare));
    if (this.remaining > reserve) return 0;
    // Near the wall: one request per (window / limit), the sustainable rate, minus time already spent.
    const spacing = this.windowMs / this.limit;
    const paced = Math.max(0, Math.round(spacing - (now - this.observedAt)));
    // Nothing left: the bucket refills when the window that began with the last refill ends.
    if (this.remaining <= 0) return Math.max(paced, this.windowStartedAt + this.windowMs - now);
    return paced;
  }

  async waitTurn(signal?: AbortSignal): Promise<void> {
    const delay = this.delayMs();
    if (delay > 0) await sleep(delay, undefined, { signal });
  }
}
