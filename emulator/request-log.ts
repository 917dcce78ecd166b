/**
 * Every API request the emulator answered, so a test can assert exactly how many calls a sync made (and
 * with which cursors). Admin calls are not logged. The entry list is capped; counters are not.
 */
export interface RequestEntry {
  seq: number;
  /** ISO time the request arrived (real time). */
  time: string;
  store: string | null;
  method: string;
  /** Path after the domain prefix, e.g. "/api/2.0/customers". */
  path: string;
  /** Parsed query string (last value wins for repeated keys, except "status" which is joined by ","). */
  query: Record<string, string>;
  status: number;
  durationMs: number;
  /** Fault kinds applied to this request, if any. */
  faults?: string[];
}

export interface RequestFilter {
  store?: string;
  method?: string;
  /** Substring of the path, or a RegExp. */
  path?: string | RegExp;
  status?: number;
}

export class RequestLog {
  private list: RequestEntry[] = [];
  private seq = 0;
  private total = 0;
  constructor(private readonly cap = 200_000) {}

  add(e: Omit<RequestEntry, 'seq'>): void {
    this.total++;
    this.list.push({ ...e, seq: ++this.seq });
    if (this.list.length > this.cap) this.list.splice(0, this.list.length - this.cap);
  }

  entries(f: RequestFilter = {}): RequestEntry[] {
    return this.list.filter((e) => match(e, f));
  }

  count(f: RequestFilter = {}): number {
    if (Object.keys(f).length === 0) return this.total;
    return this.entries(f).length;
  }

  /** Request counts by "METHOD path". */
  counters(f: RequestFilter = {}): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries(f)) out[`${e.method} ${e.path}`] = (out[`${e.method} ${e.path}`] ?? 0) + 1;
    return out;
  }

  reset(store?: string): void {
    if (store === undefined) {
      this.list = [];
      this.total = 0;
    } else {
      const before = this.list.length;
      this.list = this.list.filter((e) => e.store !== store);
      this.total -= before - this.list.length;
    }
  }
}

function match(e: RequestEntry, f: RequestFilter): boolean {
  if (f.store !== undefined && e.store !== f.store) return false;
  if (f.method !== undefined && e.method !== f.method.toUpperCase()) return false;
  if (f.status !== undefined && e.status !== f.status) return false;
  if (f.path !== undefined) {
    if (typeof f.path === 'string' ? !e.path.includes(f.path) : !f.path.test(e.path)) return false;
  }
  return true;
}
