/**
 * A store's clock. Business time starts at `start` (the end of the generated history, fixed by default so
 * data is deterministic) and runs with the wall clock, plus whatever tests add with `advance()`. New record
 * timestamps use business time; advancing the clock is how a test skips ahead without sleeping.
 */
export class Clock {
  private readonly wallAtStart = Date.now();
  private offsetMs = 0;
  constructor(private readonly start: number) {}
  now(): number {
    return this.start + (Date.now() - this.wallAtStart) + this.offsetMs;
  }
  /**
   * Real time plus the advanced offset. Rate-limit windows and Retry-After use this one, because clients
   * compare Retry-After with real clocks (or the response's Date header, which Node fills from real time).
   */
  wallNow(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advance() takes a non-negative number of ms');
    this.offsetMs += ms;
  }
}
