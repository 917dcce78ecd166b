import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestBudget } from './request-budget.ts';

const headers = (limit: number, remaining: number) =>
  new Headers({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining) });

test('full speed while the budget is comfortable, paced near the wall, waits for the window when empty', () => {
  const budget = new RequestBudget(300_000, 0.1);
  assert.equal(budget.delayMs(), 0, 'no information yet: no delay');
  budget.observe(headers(350, 340), 1_000);
  assert.equal(budget.delayMs(1_000), 0);
  budget.observe(headers(350, 20), 2_000);
  // 300 s / 350 requests ≈ 857 ms between requests near the wall.
  assert.equal(budget.delayMs(2_000), 857);
  assert.equal(budget.delayMs(2_500), 357);
  budget.observe(headers(350, 0), 3_000);
  // Window began at 1 000 ms (the first observation); it refills at 301 000 ms.
  assert.equal(budget.delayMs(3_000), 298_000);
  budget.observe(headers(350, 349), 301_500);
  assert.equal(budget.delayMs(301_500), 0, 'a refill resets the pacing');
});
