import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';
import { enqueueSync } from './sync-queue.ts';

export const SCHEDULER_QUEUE = 'sync-scheduler';
export const SCHEDULER_QUEUE_DEFINITION: PgBoss.Queue = { name: SCHEDULER_QUEUE, policy: 'short', retryLimit: 0 };
/**
 * How often due credentials are looked for. Cron's one-minute grain is too coarse for a 1-minute
 * interval. A sale made just after a sync began is read by the next one, which starts up to a tick
 * and a queue poll after the interval: at 10 s and a 2 s poll that came to 72 s or more, past the
 * 70 s promised for polling (docs/performance.md, change 36).
 */
export const SCHEDULER_TICK_SECONDS = 5;

/**
 * Queues an incremental sync for every active credential of a saved connection whose last run
 * started at least its interval ago (and is not waiting out a rate limit). Returns how many it queued.
 */
export async function enqueueDueSyncs(db: Db, boss: PgBoss): Promise<number> {
  const due = await sql<{ id: string }>`
    SELECT c.id
    FROM credentials c
    JOIN connections k ON k.id = c.connection_id
    LEFT JOIN LATERAL (
      SELECT started_at, outcome, retry_at, complete FROM sync_runs r WHERE r.credential_id = c.id ORDER BY started_at DESC LIMIT 1
    ) last ON true
    WHERE c.status = 'active'
      AND k.sync_enabled_at IS NOT NULL
      AND (last.started_at IS NULL
           OR last.started_at + make_interval(mins => COALESCE((k.settings->>'syncIntervalMinutes')::int, 1)) <= now()
           -- A backfill whose continuation job was lost (its worker died between two jobs) goes on at once.
           OR (last.outcome = 'succeeded' AND last.complete = false))
      -- COALESCE: with no run yet, the comparison is NULL, and NOT NULL would drop a never-synced credential.
      AND NOT COALESCE(last.outcome = 'rate_limited' AND last.retry_at > now(), false)`.execute(db);
  let queued = 0;
  for (const row of due.rows) {
    if (await enqueueSync(boss, { credentialId: row.id, reason: 'scheduled' })) queued++;
  }
  return queued;
}

/**
 * Runs left `running` by a worker that died (kill -9, lost machine): nobody holds their lock any more,
 * but pg-boss would only notice the lost job when it expires, minutes later. Queue a recovery run for
 * each at once; it marks the old run interrupted and carries on from the last committed page.
 * Returns how many it queued.
 */
export async function recoverInterruptedRuns(db: Db, boss: PgBoss): Promise<number> {
  const running = await db.selectFrom('sync_runs').select('credential_id').distinct().where('outcome', '=', 'running').execute();
  let queued = 0;
  for (const { credential_id: credentialId } of running) {
    const orphaned = await db.connection().execute(async (connection) => {
      const key = 'sync:' + credentialId;
      const probe = await sql<{ free: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS free`.execute(connection);
      if (!probe.rows[0]?.free) return false;
      await sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection);
      return true;
    });
    if (orphaned && (await enqueueSync(boss, { credentialId, reason: 'recovery' }))) queued++;
  }
  return queued;
}

/**
 * The scheduler re-queues itself every tick; a cron job once a minute restarts the chain should a
 * tick ever be lost (a worker killed mid-tick). The singleton key keeps one tick waiting at a time.
 */
export async function registerSyncScheduler(boss: PgBoss, db: Db): Promise<void> {
  await boss.schedule(SCHEDULER_QUEUE, '* * * * *', {}, { singletonKey: 'tick' });
  await boss.work(SCHEDULER_QUEUE, { pollingIntervalSeconds: 1 }, async () => {
    try {
      await recoverInterruptedRuns(db, boss);
      await enqueueDueSyncs(db, boss);
    } finally {
      await boss.send(SCHEDULER_QUEUE, {}, { singletonKey: 'tick', startAfter: SCHEDULER_TICK_SECONDS });
    }
  });
  await boss.send(SCHEDULER_QUEUE, {}, { singletonKey: 'tick' });
  // A restarted worker picks up what a crashed one left behind without waiting for the next tick.
  await recoverInterruptedRuns(db, boss);
}
