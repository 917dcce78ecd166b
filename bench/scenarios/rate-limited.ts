import { setTimeout as sleep } from 'node:timers/promises';
import { createLightspeedXConnector } from '../../src/integrations/lightspeed-x/connector.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { createLogger } from '../../src/logger.ts';
import { figure } from '../lib/stats.ts';
import { connectFresh } from '../lib/sync-setup.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'rate-limited';
const WINDOW_MS = 1_000;
const LIMIT = 30;

/**
 * A backfill that the rate limit, not the database, holds back: the emulator's five-minute window is
 * squeezed into 1 s with a limit of 30 requests (30 req/s, below what the sync can do), and pages
 * are kept small (100 customers, 50 sales) so the run spans several windows. The client's request
 * budget is told the same 1 s window, so its pacing is the production algorithm at 1/300 time scale
 * (production builds the budget with the real 300 s window). Figure: share of the budget used =
 * requests / (limit × windows the run touched, the last partial one counted whole), and the 429s the emulator answered.
 */
export const rateLimited: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    const shares: number[] = [];
    const tooMany: number[] = [];
    const durations: number[] = [];
    for (let run = 1; run <= context.spec.runs; run++) {
      const prefix = `bench-limited-${run}`;
      const store = context.emulator.createStore({
        domainPrefix: prefix, customers: 1_500, sales: 3_000, outlets: 1, registers: 1, seed: 40 + run,
        config: { pageSizeMax: 100, salesPageSizeMax: 50 },
      });
      const company = await connectFresh(context, prefix);
      // Turning the limit on resets the emulator's count, so the run starts on a fresh window: the
      // requests of connecting do not count against it.
      store.setRateLimit({ enabled: true, windowMs: WINDOW_MS, limit: LIMIT });
      const deps = createSyncDeps({ db: company.database.db, secretKey: company.secretKey, connectors: { 'lightspeed-x': createLightspeedXConnector(context.emulator.baseUrlTemplate, { budgetWindowMs: WINDOW_MS }) }, logger: createLogger('silent') });
      const requestsBefore = context.emulator.countRequests({ store: prefix });
      const tooManyBefore = context.emulator.countRequests({ store: prefix, status: 429 });
      const startedAt = performance.now();
      const stopAt = startedAt + 300_000;
      for (;;) {
        const result = await runCredentialSync(deps, company.credentialId, { reason: 'bench-rate-limited', maxRunMs: Number.POSITIVE_INFINITY });
        if (result.outcome === 'succeeded') break;
        if (result.outcome !== 'rate_limited' || performance.now() > stopAt) throw new Error(`rate-limited backfill stopped: ${JSON.stringify(result)}`);
        await sleep(Math.max(0, result.retryAt.getTime() - Date.now()));
      }
      const lastRequestAt = performance.now();
      const made = context.emulator.countRequests({ store: prefix }) - requestsBefore;
      const seconds = (lastRequestAt - startedAt) / 1000;
      // Every window the run touched, the last one included even when the run needed only part of it.
      const windows = Math.ceil((seconds * 1000) / WINDOW_MS);
      shares.push(made / (LIMIT * windows));
      tooMany.push(context.emulator.countRequests({ store: prefix, status: 429 }) - tooManyBefore);
      durations.push(seconds);
      context.log(`rate-limited ${run}: ${made} requests in ${seconds.toFixed(1)} s = ${((seconds * 1000) / WINDOW_MS).toFixed(2)} → ${windows} windows of ${LIMIT} → ${(100 * shares.at(-1)!).toFixed(1)} % of the budget`);
      await company.database.drop();
      context.emulator.removeStore(prefix);
    }
    return [
      figure(NAME, `share of the request budget used (limit ${LIMIT} per ${WINDOW_MS / 1000} s window)`, 'share', shares, { target: { op: '>=', value: 0.9, text: '≥ 0.9' } }),
      figure(NAME, '429 answers during the run', 'responses', tooMany, { target: { op: '=', value: 0, text: '= 0' } }),
      figure(NAME, 'run time (1,500 customers, 3,000 sales, small pages)', 's', durations),
    ];
  },
};
