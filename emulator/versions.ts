/**
 * Version numbers. The real API stamps every change with the next value of one retailer-wide int64
 * counter, shared by all resource types, with gaps between consecutive values. We start above 2^32 so
 * that int32/uint32 bugs in a client surface immediately.
 *
 * Generated (untouched) records never receive a counter value individually. Each lazily generated
 * collection reserves a block of the counter up front, and record i's version is a formula of i
 * (`BaseRange`). That keeps versions strictly increasing with the index, so "first record after version v"
 * is arithmetic, not a scan.
 */
import { hash32, Rng } from './generator/random.ts';

export const VERSION_FLOOR = 2 ** 32;

export class VersionCounter {
  private current: number;
  private readonly rng: Rng;
  constructor(
    seed: number,
    /** Largest gap between two consecutive live versions. */
    private readonly maxGap = 16,
    /** Where the counter starts; a restarted demo store starts above its previous run's versions. */
    floor = VERSION_FLOOR,
  ) {
    this.rng = new Rng(hash32(seed, 0x7e2510));
    this.current = floor + this.rng.int(1_000, 1_000_000);
  }
  /** The highest version handed out so far. */
  get last(): number {
    return this.current;
  }
  next(): number {
    this.current += this.rng.int(1, this.maxGap);
    return this.current;
  }
  /** Reserve a block for `count` lazily generated records, `stride` versions apart on average. */
  reserve(count: number, stride: number, seed: number): BaseRange {
    const range = new BaseRange(this.current + this.rng.int(1, this.maxGap), stride, count, seed);
    this.current = range.start + count * stride;
    return range;
  }
}

/** version(i) = start + i·stride + jitter(i), jitter in [0, stride): strictly increasing in i. */
export class BaseRange {
  constructor(
    readonly start: number,
    readonly stride: number,
    readonly count: number,
    private readonly seed: number,
  ) {}
  version(i: number): number {
    return this.start + i * this.stride + (hash32(this.seed, i) % this.stride);
  }
  /** Smallest index whose version is > v (count when none). */
  firstIndexAfter(v: number): number {
    if (v < this.start) return 0;
    const i = Math.min(this.count, Math.floor((v - this.start) / this.stride));
    if (i >= this.count) return this.count;
    return this.version(i) > v ? i : i + 1;
  }
  /** Highest version in the block (or start-1 when empty). */
  get max(): number {
    return this.count === 0 ? this.start - 1 : this.version(this.count - 1);
  }
}
