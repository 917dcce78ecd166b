import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { RUNS_SHOWN } from './sync-status.ts';

/**
 * How long finished sync runs are kept. A store on the 1-minute schedule adds 1,440 runs a day, most
 * of them "nothing new"; at 10,000 stores that is 14 million rows (~3 GB with indexes) a day. A week
 * is enough to look back on a problem; the runs the product reads are kept longer (below).
 */
export const SYNC_RUN_RETENTION_DAYS = 7;
/** Each credential's newest runs stay whatever their age: those the Sync status page lists. */
export const SYNC_RUNS_KEPT_PER_CREDENTIAL = RUNS_SHOWN;
const DELETE_BATCH = 20_000;
/**
 * One housekeeping run stops deleting after this long and the next one (10 minutes later) goes on,
 * so a backlog (the first run after an upgrade) never keeps a job running past its expiry.
 */
const WORK_LIMIT_MS = 120_000;

/**
 * Deletes finished runs older than the retention period, in batches, and returns how many went
 * (all of them, or as many as WORK_LIMIT_MS allowed).
 * Every run something still reads is kept: each credential's newest SYNC_RUNS_KEPT_PER_CREDENTIAL
 * (the status page's list, the scheduler's "last run"), its last successful run and its last
 * complete one (the status page's "last synced" and "backfilled", sync-status.ts), and runs still
 * marked running (the scheduler recovers those).
 */
export async function pruneSyncRuns(db: Db, options: { batch?: number; workLimitMs?: number } = {}): Promise<number> {
  const batch = options.batch ?? DELETE_BATCH;
  const stopAt = Date.now() + (options.workLimitMs ?? WORK_LIMIT_MS);
  let deleted = 0;
  for (;;) {
    // Per credential, through sync_runs_credential_idx: the start of its oldest listed run and the
    // two runs the status page looks up.
    const result = await sql`
      WITH kept AS (
        SELECT c.id AS credential_id,
          (SELECT r.started_at FROM sync_runs r WHERE r.credential_id = c.id
             ORDER BY r.started_at DESC OFFSET ${SYNC_RUNS_KEPT_PER_CREDENTIAL - 1} LIMIT 1) AS oldest_listed,
          (SELECT r.id FROM sync_runs r WHERE r.credential_id = c.id AND r.outcome = 'succeeded'
             ORDER BY r.started_at DESC LIMIT 1) AS last_success,
          (SELECT r.id FROM sync_runs r WHERE r.credential_id = c.id AND r.outcome = 'succeeded' AND r.complete
             ORDER BY r.started_at DESC LIMIT 1) AS last_complete
        FROM credentials c
      ),
      doomed AS (
        SELECT r.id FROM kept k JOIN sync_runs r ON r.credential_id = k.credential_id
        WHERE r.started_at < k.oldest_listed
          AND r.started_at < now() - make_interval(days => ${SYNC_RUN_RETENTION_DAYS})
          AND r.outcome <> 'running'
          AND r.id IS DISTINCT FROM k.last_success
          AND r.id IS DISTINCT FROM k.last_complete
        LIMIT ${batch}
      )
      DELETE FROM sync_runs WHERE id IN (SELECT id FROM doomed)`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < batch || Date.now() >= stopAt) return deleted;
  }
}
