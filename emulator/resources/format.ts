/** Wire formatting shared by all resources. */

/** API 2.0 timestamps: UTC, explicit offset, no fraction, e.g. 2014-10-09T05:20:09+00:00. */
export function ts(ms: number): string {
  // Hot path (several timestamps per generated record): format the date part once per day, the time by hand.
  const day = Math.floor(ms / 86_400_000);
  let date = dayCache.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayCache.size > 20_000) dayCache.clear();
    dayCache.set(day, date);
  }
  const sec = Math.floor((ms - day * 86_400_000) / 1000);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${date}T${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}+00:00`;
}
const dayCache = new Map<number, string>();

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
