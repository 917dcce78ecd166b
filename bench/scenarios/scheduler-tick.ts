import { sql } from 'kysely';
import { listMigrations } from '../../src/db/migrate.ts';
import { startJobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/logger.ts';
import { recoverInterruptedRuns } from '../../src/sync/sync-scheduler.ts';
import { pruneSyncRuns, SYNC_RUN_RETENTION_DAYS } from '../../src/sync/sync-run-retention.ts';
import { figure, median } from '../lib/stats.ts';
import { connectFresh } from '../lib/sync-setup.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'scheduler-tick';
const CALLS = 7;
const STORE = 'bench-scheduler';

/**
 * What a growing `sync_runs` costs the scheduler and housekeeping. The scale's number of finished
 * runs (one a minute, going back in time) is written in SQL for one credential; then the tick's
 * lookup of runs still marked running (recoverInterruptedRuns, on the real job queue) is timed with
 * the partial index of migration 0016 and, as the baseline, without it; then housekeeping's prune of
 * the runs past the retention (run to the end, without its per-pass time limit).
 */
export const schedulerTick: Scenario = {
  name: NAME,
  runsByDefault: () => true,
  async run(context) {
    if (!context.emulator.stores.has(STORE)) context.emulator.createStore({ domainPrefix: STORE, customers: 1, sales: 1, seed: 9 });
    const company = await connectFresh(context, STORE);
    const { db } = company.database;
    const boss = await startJobQueue(company.database.url, createLogger('silent'), { schedule: false });
    try {
      const runs = context.spec.syncRuns;
      const writtenAt = performance.now();
      await sql`
        INSERT INTO sync_runs (company_id, credential_id, reason, started_at, finished_at, outcome, complete, records, requests)
        SELECT ${company.companyId}::uuid, ${company.credentialId}::uuid, 'scheduled', now() - i * interval '1 minute',
          now() - i * interval '1 minute' + interval '1 second', 'succeeded', true, 0, 7
        FROM generate_series(1, ${runs}::int) AS i`.execute(db);
      await sql`VACUUM ANALYZE sync_runs`.execute(db);
      context.log(`${runs} runs written in ${((performance.now() - writtenAt) / 1000).toFixed(1)} s`);

      const lookups = async () => {
        await recoverInterruptedRuns(db, boss);
        const times: number[] = [];
        for (let call = 0; call < CALLS; call++) {
          const startedAt = performance.now();
          const queued = await recoverInterruptedRuns(db, boss);
          times.push(performance.now() - startedAt);
          if (queued !== 0) throw new Error(`the lookup found ${queued} runs to recover; none is running`);
        }
        return times;
      };
      const indexed = await lookups();
      await sql`DROP INDEX sync_runs_running_idx`.execute(db);
      const scanned = await lookups();
      // Back as the product has it, for the prune: the migration that made it, run again.
      await sql.raw(listMigrations().find((migration) => migration.id === 16)!.sql).execute(db);

      const prunedAt = performance.now();
      const pruned = await pruneSyncRuns(db, { workLimitMs: Number.POSITIVE_INFINITY });
      const pruneSeconds = (performance.now() - prunedAt) / 1000;
      context.log(`pruned ${pruned} runs older than ${SYNC_RUN_RETENTION_DAYS} days in ${pruneSeconds.toFixed(1)} s`);

      const size = `${runs.toLocaleString('en-US')} runs of one credential`;
      return [
        figure(NAME, `lookup of runs still running, each scheduler tick (${size})`, 'ms', indexed),
        figure(NAME, 'the same lookup without the partial index (baseline: what it cost before migration 0016)', 'ms', scanned),
        figure(NAME, 'without the index ÷ with it', 'ratio', [median(scanned) / median(indexed)]),
        figure(NAME, `housekeeping: runs older than ${SYNC_RUN_RETENTION_DAYS} days deleted (${pruned.toLocaleString('en-US')} runs)`, 'runs/s', [pruned / pruneSeconds]),
      ];
    } finally {
      await boss.stop({ graceful: false, wait: true });
      await company.database.drop();
    }
  },
};

