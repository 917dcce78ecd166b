import type PgBoss from 'pg-boss';

/** The pg-boss queue of credential syncs. One job = one sync run of one credential. */
export const SYNC_QUEUE = 'credential-sync';

export type SyncJobData = { credentialId: string; reason: 'connected' | 'scheduled' | 'manual' | 'webhook' | 'resync' | 'token-replaced' };

export async function ensureSyncQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: 'standard', retryLimit: 10, retryDelay: 5, retryBackoff: true });
}

/**
 * Queues a sync of one credential. The singleton key keeps one waiting job per credential: asking
 * again while one waits adds nothing.
 */
export async function enqueueSync(boss: PgBoss, data: SyncJobData, options: { startAfter?: Date } = {}): Promise<string | null> {
  await ensureSyncQueue(boss);
  return boss.send(SYNC_QUEUE, data, { singletonKey: data.credentialId, ...(options.startAfter ? { startAfter: options.startAfter } : {}) });
}
