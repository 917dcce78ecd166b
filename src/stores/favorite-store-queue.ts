import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { companiesWithUnfinishedRefresh, runFavoriteStoreRefresh } from './favorite-store-refresh.ts';

/** The pg-boss queue of favorite-store recomputations. One job = up to `maxRunMs` of one company's. */
export const FAVORITE_STORE_QUEUE = 'favorite-store-refresh';

export type FavoriteStoreJobData = { companyId: string };

/** A job works this long, then queues the rest: a worker crash costs one `expireInSeconds` at most. */
const MAX_RUN_MS = 60_000;

/**
 * `short` keeps one waiting job per company, so a burst of Saves coalesces; the work itself is in
 * favorite_store_refreshes, so the job only says "look". Two jobs of one company may run at once (a
 * Save during a run queues another): they share the work safely, as each chunk is taken in its own
 * transaction under the company's persona lock. Failures retry after 2 s, 4 s, 8 s, …
 */
export const FAVORITE_STORE_QUEUE_DEFINITION: PgBoss.Queue = { name: FAVORITE_STORE_QUEUE, policy: 'short', retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 300 };

/** Queues a look at a company's saved changes; returns null when one is already waiting (it will do). */
export async function enqueueFavoriteStoreRefresh(boss: PgBoss, companyId: string): Promise<string | null> {
  return boss.send(FAVORITE_STORE_QUEUE, { companyId } satisfies FavoriteStoreJobData, { singletonKey: companyId });
}

/**
 * Queues a job for every company whose changes are not fully applied: the web process may have died
 * between saving a change and queueing its job, or a job may have run out of retries.
 */
export async function enqueueUnfinishedRefreshes(boss: PgBoss, db: Db): Promise<number> {
  const companies = await companiesWithUnfinishedRefresh(db);
  for (const companyId of companies) await enqueueFavoriteStoreRefresh(boss, companyId);
  return companies.length;
}

/** Runs favorite-store jobs, one at a time per worker process (each chunk locks its company's personas). */
export async function startFavoriteStoreWorker(boss: PgBoss, db: Db, logger: Logger, options: { maxRunMs?: number } = {}): Promise<void> {
  await boss.work<FavoriteStoreJobData>(FAVORITE_STORE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const { companyId } = job.data;
    const result = await runFavoriteStoreRefresh(db, companyId, { maxRunMs: options.maxRunMs ?? MAX_RUN_MS });
    if (!result.finished) await enqueueFavoriteStoreRefresh(boss, companyId);
    logger.info({ companyId, ...result }, 'favorite stores recomputed');
    return result;
  });
}
