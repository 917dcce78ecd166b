/**
 * Faults on demand. A rule fires either for the next `count` matching requests or with a probability
 * (drawn from a seeded PRNG, so a failing run can be replayed). Several rules can be active; `delay`
 * rules add up, and the first other rule that fires decides the outcome.
 */
import { hash32, Rng } from './generator/random.ts';

export type FaultKind =
  /** Respond with `status` (default 500; 502/503 are typical) and a small error body. */
  | 'status'
  /** Wait `delayMs` and then answer normally (or with another fault). */
  | 'delay'
  /** Destroy the socket without answering (ECONNRESET / "socket hang up" on the client). */
  | 'reset'
  /** 200 with the JSON body cut in half (Content-Length matches what is sent). */
  | 'truncate'
  /** 200 with a body that is not valid JSON. */
  | 'malformed'
  /** 401 as if the token had been revoked (the token itself stays valid). */
  | 'unauthorized'
  /** 429 with Retry-After, as if the budget were exhausted (a "429 storm" when count is large). */
  | 'rate_limit'
  /** List endpoints: serve the previous page of this resource again (same `after` as last time). */
  | 'duplicate_page'
  /** List endpoints: serve a page that starts in the middle of the previous page (rows repeat). */
  | 'overlap_page';

export interface FaultRule {
  kind: FaultKind;
  /** Status for kind "status". */
  status?: number;
  /** Delay for kind "delay" (ms). */
  delayMs?: number;
  /** Fire for the next N matching requests. */
  count?: number;
  /** Fire with this probability (0..1) on each matching request. Ignored while `count` is set. */
  probability?: number;
  /**
   * Only requests whose path (after the domain prefix, e.g. "/api/2.0/customers") contains this string;
   * a value starting and ending with "/" is a regular expression.
   */
  path?: string;
  /** Only this HTTP method. */
  method?: string;
}

export interface ActiveFault extends FaultRule {
  /** Times this rule fired. */
  fired: number;
}

export class Faults {
  private rules: ActiveFault[] = [];
  private rng: Rng;
  constructor(private seed: number) {
    this.rng = new Rng(hash32(seed, 0xfa17));
  }

  /** Replace all rules; `seed` re-seeds the probability draws. */
  set(rules: FaultRule[], seed?: number): void {
    if (seed !== undefined) {
      this.seed = seed;
      this.rng = new Rng(hash32(seed, 0xfa17));
    }
    this.rules = rules.map((r) => validate(r));
  }
  add(rule: FaultRule): void {
    this.rules.push(validate(rule));
  }
  clear(): void {
    this.rules = [];
  }
  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The rules that fire for this request (delays first). Consumes counts and PRNG draws. */
  pick(method: string, path: string): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const r of this.rules) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.path && !matches(r.path, path)) continue;
      let fire = false;
      if (r.count !== undefined) {
        if (r.count > 0) {
          r.count--;
          fire = true;
        }
      } else if (r.probability !== undefined) {
        fire = this.rng.next() < r.probability;
      }
      if (fire) {
        r.fired++;
        out.push(r);
      }
    }
    // Spent count rules are dropped so list() shows what is still armed.
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return out.sort((a, b) => Number(b.kind === 'delay') - Number(a.kind === 'delay'));
  }
}

const KINDS = new Set<FaultKind>(['status', 'delay', 'reset', 'truncate', 'malformed', 'unauthorized', 'rate_limit', 'duplicate_page', 'overlap_page']);

function validate(r: FaultRule): ActiveFault {
  if (!KINDS.has(r.kind)) throw new Error(`unknown fault kind: ${String(r.kind)}`);
  if (r.count === undefined && r.probability === undefined) throw new Error('a fault needs count or probability');
  return { ...r, fired: 0 };
}

function matches(pattern: string, path: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) return new RegExp(pattern.slice(1, -1)).test(path);
  return path.includes(pattern);
}
