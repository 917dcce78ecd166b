/**
 * Deterministic randomness. Every generated record is a pure function of (seed, stream, index): we hash
 * those three numbers into a 32-bit state and run a tiny PRNG from there. Nothing is kept between calls,
 * which is what lets a 5M-sale store exist without holding 5M objects in memory.
 */

/** 32-bit avalanche hash of up to four integers (murmur3-style finaliser per input). */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  // Unrolled (this runs several times per generated record): finalise, mix in the next input, repeat.
  let h = 0x9e3779b9 ^ a;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = ((h ^ (h >>> 16)) + Math.imul(b | 0, 0x27d4eb2d)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = ((h ^ (h >>> 16)) + Math.imul(c | 0, 0x27d4eb2d)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = ((h ^ (h >>> 16)) + Math.imul(d | 0, 0x27d4eb2d)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash an arbitrary string (store names, seeds given as text) to 32 bits. FNV-1a, then avalanche. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return hash32(h >>> 0);
}

/** Small, fast PRNG (mulberry32) with helpers. Cheap to create: one per generated record. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const v = items[Math.floor(this.next() * items.length)];
    if (v === undefined) throw new Error('pick from empty list');
    return v;
  }
  /** Raw 32-bit value, for ids and codes. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  /** `n` characters from `alphabet`. */
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** A UUID-looking id from a PRNG (for objects that are never looked up by id alone: lines, payments). */
export function uuidFrom(rng: Rng): string {
  return `${hex(rng.u32(), 8)}-${hex(rng.u32(), 4)}-${hex(0x1000 | (rng.u32() & 0x0fff), 4)}-${hex(0x8000 | (rng.u32() & 0x3fff), 4)}-${hex(rng.u32(), 4)}${hex(rng.u32(), 8)}`;
}

/**
 * Reversible ids for lazily generated records. The last 12 hex digits carry the record's index, scrambled
 * (index × odd multiplier, then XOR with per-store masks) so ids look random but `GET /customers/{id}`
 * can turn the id back into an index without any lookup table. Index must stay below 2^24 (16.7M), which
 * keeps index × multiplier exact in a double.
 */
const MULT = 0xb5ad4b; // odd, < 2^24
export const MAX_LAZY_INDEX = 2 ** 24;

export class IdCodec {
  private readonly lowMask: number;
  private readonly highMask: number;
  private readonly head: string;
  constructor(storeTag: number, kindTag: number) {
    this.lowMask = hash32(storeTag, kindTag, 1) & 0xffffff;
    this.highMask = hash32(storeTag, kindTag, 2) & 0xffffff;
    // Vend-era ids share a time-based prefix per server; a fixed per-store/per-kind head imitates that.
    this.head = `${hex(hash32(storeTag, 7), 8)}-${hex(hash32(storeTag, kindTag, 3), 4)}-11e${hex(kindTag, 1)}-`;
  }
  encode(index: number): string {
    const v = index * MULT; // < 2^48, exact
    const high = Math.floor(v / 0x1000000) ^ this.highMask;
    const low = (v % 0x1000000) ^ this.lowMask;
    const mid = hex(0x8000 | (hash32(index, this.lowMask) & 0x3fff), 4);
    return `${this.head}${mid}-${hex(high, 6)}${hex(low, 6)}`;
  }
  /** Returns the index, or -1 when the id was not produced by this codec. */
  decode(id: string): number {
    if (id.length !== 36 || !id.startsWith(this.head)) return -1;
    const high = parseInt(id.slice(24, 30), 16);
    const low = parseInt(id.slice(30, 36), 16);
    if (Number.isNaN(high) || Number.isNaN(low)) return -1;
    const v = (high ^ this.highMask) * 0x1000000 + (low ^ this.lowMask);
    if (v % MULT !== 0) return -1;
    const index = v / MULT;
    return this.encode(index) === id.toLowerCase() ? index : -1;
  }
}
