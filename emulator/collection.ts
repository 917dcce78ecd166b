/**
 * One resource's records, as the version-cursor API sees them.
 *
 * Records come from two places:
 *  - the generated base: indexes [0, baseCount), each a pure function of its index, with a version from
 *    the collection's BaseRange. Nothing is stored for them.
 *  - overrides: records created or changed after start (and base records that were edited). These are
 *    real objects kept in a Map, and every write appends (version, index) to `log`. Since live versions
 *    come from the shared counter after all base blocks were reserved, the log is sorted by version and
 *    always sits above the base block.
 *
 * A cursor page is therefore: walk the base from firstIndexAfter(after), skipping edited indexes, then walk
 * the log from a binary-searched position, skipping entries made stale by a later edit of the same record.
 * Cost is proportional to the page, not to the collection.
 */
import type { BaseRange } from './versions.ts';
import type { IdCodec } from './generator/random.ts';

export interface Versioned {
  id: string;
  version: number;
  deleted_at?: string | null;
}

export interface PageQuery {
  /** Exclusive lower bound on version (0 = from the start). */
  after: number;
  /** Upper bound on version, or null for none. */
  before: number | null;
  beforeInclusive: boolean;
  limit: number;
  includeDeleted: boolean;
}

export class Collection<T extends Versioned> {
  private readonly overrides = new Map<number, T>();
  private readonly idToIndex = new Map<string, number>();
  private readonly logVersions: number[] = [];
  private readonly logIndexes: number[] = [];
  private size: number;

  constructor(
    readonly name: string,
    private readonly base: BaseRange | null,
    private readonly generate: (index: number) => T,
    private readonly codec: IdCodec | null = null,
    /** Cheap check whether a base record is soft-deleted, to skip it without generating it. */
    private readonly baseDeleted: (index: number) => boolean = () => false,
  ) {
    this.size = base?.count ?? 0;
  }

  get baseCount(): number {
    return this.base?.count ?? 0;
  }
  /** Number of records ever created (deleted ones included). */
  get count(): number {
    return this.size;
  }
  /** How many records are held as real objects (edited or created after start). */
  get overrideCount(): number {
    return this.overrides.size;
  }

  isEdited(index: number): boolean {
    return this.overrides.has(index);
  }

  get(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.overrides.get(index) ?? (index < this.baseCount ? this.generate(index) : undefined);
  }

  indexOf(id: string): number {
    const known = this.idToIndex.get(id);
    if (known !== undefined) return known;
    if (!this.codec) return -1;
    const i = this.codec.decode(id);
    return i >= 0 && i < this.size ? i : -1;
  }

  getById(id: string): T | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.get(i);
  }

  /** Index the next created record will get (its id can be derived from it before creating). */
  get nextIndex(): number {
    return this.size;
  }

  /** Id for a new record: codec-based when this collection has one, so lookups stay table-free. */
  idFor(index: number): string | null {
    return this.codec ? this.codec.encode(index) : null;
  }

  /**
   * Store a record at `index` (a new index == count creates it). The caller has already stamped it with a
   * fresh version from the store's counter, which must exceed every version handed out before.
   */
  put(index: number, record: T): void {
    if (index > this.size) throw new Error(`${this.name}: non-contiguous index ${index}`);
    const lastLogged = this.logVersions[this.logVersions.length - 1];
    if (lastLogged !== undefined && record.version <= lastLogged) {
      throw new Error(`${this.name}: version ${record.version} does not increase`);
    }
    if (index === this.size) this.size++;
    this.overrides.set(index, record);
    this.idToIndex.set(record.id, index);
    this.logVersions.push(record.version);
    this.logIndexes.push(index);
  }

  /** Records with version in (after, before], ascending by version, at most `limit`. */
  page(q: PageQuery): T[] {
    const out: T[] = [];
    const aboveBefore = (v: number): boolean =>
      q.before !== null && (q.beforeInclusive ? v > q.before : v >= q.before);
    if (this.base) {
      for (let i = this.base.firstIndexAfter(q.after); i < this.base.count && out.length < q.limit; i++) {
        if (aboveBefore(this.base.version(i))) return out;
        if (this.overrides.has(i)) continue;
        if (!q.includeDeleted && this.baseDeleted(i)) continue;
        out.push(this.generate(i));
      }
    }
    for (let p = this.firstLogPosAfter(q.after); p < this.logVersions.length && out.length < q.limit; p++) {
      const v = this.logVersions[p] as number;
      if (aboveBefore(v)) return out;
      const rec = this.overrides.get(this.logIndexes[p] as number);
      if (!rec || rec.version !== v) continue; // stale: the record was changed again later
      if (!q.includeDeleted && rec.deleted_at) continue;
      out.push(rec);
    }
    return out;
  }

  private firstLogPosAfter(v: number): number {
    let lo = 0;
    let hi = this.logVersions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.logVersions[mid] as number) > v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Every current record in index order (generated on the fly). */
  *all(includeDeleted = true): Generator<T> {
    for (let i = 0; i < this.size; i++) {
      if (!includeDeleted && !this.overrides.has(i) && this.baseDeleted(i)) continue;
      const r = this.get(i);
      if (r && (includeDeleted || !r.deleted_at)) yield r;
    }
  }

  /** Highest current version in the collection (0 when empty). */
  get maxVersion(): number {
    const last = this.logVersions[this.logVersions.length - 1];
    if (last !== undefined) return last;
    return this.base && this.base.count > 0 ? this.base.max : 0;
  }
}
