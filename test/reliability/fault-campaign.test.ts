// A short fault campaign (see fault-campaign.ts; `npm run chaos -- --seconds N --seed S` runs longer
// ones): random 429 storms, 5xx, resets, timeouts, truncated and malformed JSON, repeated and
// overlapping pages, and a revoked-then-replaced token, while the store changes under the sync.
// Afterwards Patron must be an exact copy with exact persona figures and points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFaultCampaign } from './fault-campaign.ts';
import { emulatorAndDatabase } from '../helpers/emulator-and-database.ts';

const SEED = Number(process.env.CAMPAIGN_SEED ?? 20260510);

const env = emulatorAndDatabase();

test(`a fault campaign (seed ${SEED}) ends with an exact mirror, exact personas and points, no duplicates`, async () => {
  const figures = await runFaultCampaign({
    db: env.database.db,
    emulator: env.emulator,
    domainPrefix: 'fault-shop',
    seconds: 20,
    faultScale: 1,
    seed: SEED,
    customers: 1500,
    sales: 2500,
    log: (line) => console.log(`# ${line}`),
  });
  console.log(`# faults injected: ${figures.faultsInjected} in ${figures.requests} requests ${JSON.stringify(figures.faultsByKind)}`);
  console.log(`# runs: ${figures.runs} (${figures.runsSucceeded} succeeded, ${figures.transientFailures} failed and retried, ${figures.rateLimitWaits} rate-limit waits totalling ${figures.rateLimitWaitMs} ms)`);
  console.log(`# live changes: ${figures.liveChanges} ${JSON.stringify(figures.liveChangesByKind)}`);
  console.log(`# records compared: ${figures.recordsCompared}; personas checked: ${figures.personasChecked}; balances checked: ${figures.balancesChecked}`);
  console.log(`# mismatches: ${figures.mismatches.length}; duplicates: ${figures.duplicates}; took ${figures.durationMs} ms`);
  assert.deepEqual(figures.mismatches.slice(0, 20), [], `${figures.mismatches.length} mismatches`);
  assert.equal(figures.duplicates, 0);
  assert.ok(figures.tokenRevokedAndReplaced, 'the token was revoked and replaced during the campaign');
  assert.ok(figures.faultsInjected >= 20, `only ${figures.faultsInjected} faults were injected`);
  for (const kind of ['rate_limit', 'status', 'reset', 'truncate', 'malformed', 'duplicate_page', 'overlap_page']) {
    assert.ok((figures.faultsByKind[kind] ?? 0) > 0, `no ${kind} fault fired`);
  }
  assert.ok(figures.transientFailures > 0 && figures.rateLimitWaits > 0, 'both retries and rate-limit waits happened');
  assert.ok(figures.liveChanges > 100, `only ${figures.liveChanges} live changes`);
  assert.ok(figures.recordsCompared >= 4000);
});
