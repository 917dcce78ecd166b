/** Wire formatting shared by all resources. */

/** API 2.0 timestamps: UTC, explicit offset, no fraction, e.g. 2014-10-09T05:20:09+00:00. */
export function ts(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** 0.9 / webhook timestamps: "2017-01-19 16:49:35", no offset. */
export function legacyTs(ms: number): string {
  return ts(ms).slice(0, 19).replace('T', ' ');
}

/**
 * Money is sent unrounded by the real API (4.30435). We keep 5 decimals, which is what the official
 * examples show, and strip float noise so sums compare cleanly.
 */
export function money(n: number): number {
  const r = Math.round(n * 100000) / 100000;
  return r === 0 ? 0 : r; // no -0 in JSON output
}

export function cents(n: number): number {
  const r = Math.round(n * 100) / 100;
  return r === 0 ? 0 : r;
}

export const DAY_MS = 86_400_000;
