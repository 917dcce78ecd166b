/**
 * How long Lightspeed asks us to wait after a 429. The header is normally an HTTP date (measured
 * against the response's own Date header, so our clock's skew does not matter), sometimes a number
 * of seconds; older stores put a `retry-after` timestamp in the JSON body instead. With none of
 * these, 30 s.
 */
export const DEFAULT_RETRY_AFTER_MS = 30_000;

export function retryAfterMs(headers: Headers, body: unknown, now = Date.now()): number {
  const serverNow = Date.parse(headers.get('date') ?? '') || now;
  const header = headers.get('retry-after')?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - serverNow);
  }
  if (body && typeof body === 'object') {
    const value = (body as Record<string, unknown>)['retry-after'];
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value * 1000);
    if (typeof value === 'string') {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) return Math.max(0, at - serverNow);
    }
  }
  return DEFAULT_RETRY_AFTER_MS;
}
