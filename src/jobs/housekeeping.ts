import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { deleteExpiredSessions } from '../accounts/sessions.ts';
import { deleteOldSignInFailures } from '../accounts/sign-in-throttle.ts';
import { enqueueUnfinishedRefreshes } from '../stores/favorite-store-queue.ts';
import { pruneSyncRuns } from '../sync/sync-run-retention.ts';

export const HOUSEKEEPING_QUEUE = 'housekeeping';

/**
 * Removes what has expired: sessions past their end, sign-in failures outside the throttle window,
 * and sync runs past their retention (sync-run-retention.ts).
 */
export async function runHousekeeping(db: Db): Promise<{ expiredSessions: number; prunedSyncRuns: number }> {
  const expiredSessions = await deleteExpiredSessions(db);
  await deleteOldSignInFailures(db);
  const prunedSyncRuns = await pruneSyncRuns(db);
  return { expiredSessions, prunedSyncRuns };
}

export const HOUSEKEEPING_QUEUE_DEFINITION: PgBoss.Queue = { name: HOUSEKEEPING_QUEUE, policy: 'singleton', retryLimit: 2 };

export async function registerHousekeeping(boss: PgBoss, db: Db, logger: Logger): Promise<void> {
  await boss.schedule(HOUSEKEEPING_QUEUE, '*/10 * * * *');
  await boss.work(HOUSEKEEPING_QUEUE, async () => {
    // Favorite-store work whose job was lost (see enqueueUnfinishedRefreshes) is picked up here.
    const outcome = { ...(await runHousekeeping(db)), favoriteStoreJobsQueued: await enqueueUnfinishedRefreshes(boss, db) };
    logger.info(outcome, 'housekeeping done');
    return outcome;
  });
}
