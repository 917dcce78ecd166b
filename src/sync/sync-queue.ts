import type PgBoss from 'pg-boss';

/** The pg-boss queue of credential syncs. One job = one sync run of one credential. */
export const SYNC_QUEUE = 'credential-sync';

export type SyncReason = 'connected' | 'scheduled' | 'manual' | 'webhook' | 'resync' | 'token-replaced' | 'continuation' | 'rate-limit-over' | 'busy-retry' | 'recovery';

export type SyncJobData = { credentialId: string; reason: SyncReason };

/**
 * `short` keeps at most one *waiting* job per credential (the singleton key), so bursts of webhooks
 * or clicks coalesce. It does not limit running jobs: that is the run's advisory lock's job. Transient
 * failures retry with exponential back-off (5 s, 10 s, 20 s, …).
 */
export const SYNC_QUEUE_DEFINITION: PgBoss.Queue = { name: SYNC_QUEUE, policy: 'short', retryLimit: 12, retryDelay: 5, retryBackoff: true, expireInSeconds: 900 };

/** Queues a sync of one credential; returns null when one is already waiting (it will do). */
export async function enqueueSync(boss: PgBoss, data: SyncJobData, options: { startAfter?: Date } = {}): Promise<string | null> {
  return boss.send(SYNC_QUEUE, data, { singletonKey: data.credentialId, ...(options.startAfter ? { startAfter: options.startAfter } : {}) });
}
