import type PgBoss from 'pg-boss';
import { enqueueSync, SYNC_QUEUE, type SyncJobData } from './sync-queue.ts';
import { runCredentialSync, type SyncDeps } from './sync-runner.ts';

/** Seconds to wait before trying again when another worker holds the credential's run. */
const BUSY_RETRY_SECONDS = 5;

/**
 * Runs sync jobs: `concurrency` credentials at a time in this process. Rate limits and long
 * backfills end the job and queue the next one; errors are thrown so pg-boss retries with back-off.
 */
export async function startSyncWorker(boss: PgBoss, deps: SyncDeps, options: { concurrency: number; maxRunMs?: number }): Promise<void> {
  for (let slot = 0; slot < options.concurrency; slot++) {
    await boss.work<SyncJobData>(SYNC_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (!job) return;
      const { credentialId, reason } = job.data;
      const result = await runCredentialSync(deps, credentialId, { reason, maxRunMs: options.maxRunMs });
      if (result.outcome === 'rate_limited') {
        await enqueueSync(boss, { credentialId, reason: 'rate-limit-over' }, { startAfter: result.retryAt });
      } else if (result.outcome === 'succeeded' && !result.complete) {
        await enqueueSync(boss, { credentialId, reason: 'continuation' });
      } else if (result.outcome === 'skipped' && result.reason.startsWith('another run')) {
        // A webhook or click during a run must still be honoured: look again once it is likely done.
        await enqueueSync(boss, { credentialId, reason: 'busy-retry' }, { startAfter: new Date(Date.now() + BUSY_RETRY_SECONDS * 1000) });
      }
      return result;
    });
  }
}
