import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_AFTER_MS, retryAfterMs } from './retry-after.ts';

test('Retry-After as an HTTP date is measured against the response Date header, not our clock', () => {
  const headers = new Headers({ date: 'Wed, 21 Oct 2026 07:27:30 GMT', 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' });
  // Our clock is an hour off; the answer is still 30 s.
  assert.equal(retryAfterMs(headers, undefined, Date.parse('2026-10-21T08:27:30Z')), 30_000);
});

test('Retry-After as seconds, a legacy body key, and the 30 s default', () => {
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '7' }), undefined), 7_000);
  const now = Date.parse('2026-10-21T07:27:50Z');
  assert.equal(retryAfterMs(new Headers(), { 'retry-after': '2026-10-21T07:28:00Z' }, now), 10_000);
  assert.equal(retryAfterMs(new Headers(), { error: 'Too Many Requests' }), DEFAULT_RETRY_AFTER_MS);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), undefined), DEFAULT_RETRY_AFTER_MS);
  const past = new Headers({ date: 'Wed, 21 Oct 2026 07:29:00 GMT', 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' });
  assert.equal(retryAfterMs(past, undefined), 0, 'a moment already passed means go now');
});
