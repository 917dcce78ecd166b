import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * What the connection page says about one credential's sync, in one word:
 * - never_synced: no run yet (the connection was not saved, or the first job has not started);
 * - backfilling: the first full read (or a resync) has not reached the end yet;
 * - rate_limited: paused by the POS's rate limit until `retryAt`;
 * - failing: the last run failed (it is retried with back-off); `lastError` says why;
 * - invalid_token: the POS rejected the token; replace it to resume;
 * - up_to_date: the last run reached the end of every resource.
 */
export type SyncState = 'backfilling' | 'up_to_date' | 'rate_limited' | 'failing' | 'invalid_token' | 'never_synced';

export type SyncRunView = {
  id: string;
  reason: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  pages: number;
  records: number;
  requests: number;
  outcome: string;
  error: string | null;
};

export type SyncStatus = {
  state: SyncState;
  /** A run is in progress right now. */
  running: boolean;
  retryAt?: Date;
  lastSuccessAt: Date | null;
  lastError?: string;
  resources: Array<{ resource: string; records: number; updatedAt: Date }>;
  quarantined: Array<{ resource: string; externalId: string; error: string; lastSeenAt: Date }>;
  quarantinedCount: number;
  runs: SyncRunView[];
  realtime: {
    state: 'off' | 'registered' | 'removed' | 'failed';
    error: string | null;
    eventTypes: string[];
    attemptedAt: Date | null;
    lastDeliveryAt: Date | null;
  };
};

const QUARANTINE_SHOWN = 50;
/** The newest runs the status lists; housekeeping never deletes these (sync-run-retention.ts). */
export const RUNS_SHOWN = 20;

/** The status of a credential of this company, or undefined when it is not this company's. */
export async function getSyncStatus(db: Db, companyId: string, provider: string, credentialId: string): Promise<SyncStatus | undefined> {
  const credential = await db
    .selectFrom('credentials')
    .innerJoin('connections', 'connections.id', 'credentials.connection_id')
    .select(['credentials.id', 'credentials.status'])
    .where('credentials.id', '=', credentialId)
    .where('credentials.company_id', '=', companyId)
    .where('connections.provider', '=', provider)
    .executeTakeFirst();
  if (!credential) return undefined;

  const [runs, lastSuccess, lastComplete, resync, resources, quarantined, quarantinedCount, webhookStatus, subscriptions] = await Promise.all([
    db.selectFrom('sync_runs').selectAll().where('credential_id', '=', credentialId).orderBy('started_at', 'desc').limit(RUNS_SHOWN).execute(),
    db.selectFrom('sync_runs').select('finished_at').where('credential_id', '=', credentialId).where('outcome', '=', 'succeeded').orderBy('started_at', 'desc').limit(1).executeTakeFirst(),
    db
      .selectFrom('sync_runs')
      .select('started_at')
      .where('credential_id', '=', credentialId)
      .where('outcome', '=', 'succeeded')
      .where('complete', '=', true)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom('sync_resyncs').select(['requested_at', 'applied_at']).where('credential_id', '=', credentialId).executeTakeFirst(),
    db.selectFrom('sync_cursors').select(['resource', 'records', 'updated_at']).where('credential_id', '=', credentialId).orderBy('resource').execute(),
    db
      .selectFrom('sync_quarantine')
      .select(['resource', 'external_id', 'error', 'last_seen_at'])
      .where('credential_id', '=', credentialId)
      .orderBy('last_seen_at', 'desc')
      .limit(QUARANTINE_SHOWN)
      .execute(),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM sync_quarantine WHERE credential_id = ${credentialId}`.execute(db),
    db.selectFrom('webhook_status').selectAll().where('credential_id', '=', credentialId).executeTakeFirst(),
    db.selectFrom('webhook_subscriptions').select('event_type').where('credential_id', '=', credentialId).orderBy('event_type').execute(),
  ]);

  const latest = runs[0];
  const lastFinished = runs.find((run) => run.outcome !== 'running');
  // Backfilled: a run reached the end of everything after the last resync was applied (and none is pending).
  const resyncPending = resync !== undefined && resync.applied_at === null;
  const backfilled = lastComplete !== undefined && !resyncPending && (!resync?.applied_at || lastComplete.started_at >= resync.applied_at);

  let state: SyncState;
  let retryAt: Date | undefined;
  let lastError: string | undefined;
  if (credential.status === 'invalid') {
    state = 'invalid_token';
    lastError = runs.find((run) => run.outcome === 'auth_failed')?.error ?? undefined;
  } else if (!latest) {
    state = 'never_synced';
  } else if (lastFinished?.outcome === 'rate_limited' && lastFinished.retry_at && lastFinished.retry_at.getTime() > Date.now() && latest.outcome !== 'running') {
    state = 'rate_limited';
    retryAt = lastFinished.retry_at;
  } else if (lastFinished?.outcome === 'failed' && latest.outcome !== 'running') {
    state = 'failing';
    lastError = lastFinished.error ?? undefined;
  } else {
    state = backfilled ? 'up_to_date' : 'backfilling';
  }

  return {
    state,
    running: latest?.outcome === 'running',
    ...(retryAt ? { retryAt } : {}),
    lastSuccessAt: lastSuccess?.finished_at ?? null,
    ...(lastError ? { lastError } : {}),
    resources: resources.map((row) => ({ resource: row.resource, records: row.records, updatedAt: row.updated_at })),
    quarantined: quarantined.map((row) => ({ resource: row.resource, externalId: row.external_id, error: row.error, lastSeenAt: row.last_seen_at })),
    quarantinedCount: quarantinedCount.rows[0]?.n ?? 0,
    runs: runs.map((run) => ({
      id: run.id,
      reason: run.reason,
      startedAt: run.started_at,
      finishedAt: run.finished_at,
      durationMs: run.finished_at ? run.finished_at.getTime() - run.started_at.getTime() : null,
      pages: run.pages,
      records: run.records,
      requests: run.requests,
      outcome: run.outcome,
      error: run.error,
    })),
    realtime: {
      state: webhookStatus?.state ?? 'off',
      error: webhookStatus?.error ?? null,
      eventTypes: subscriptions.map((row) => row.event_type),
      attemptedAt: webhookStatus?.attempted_at ?? null,
      lastDeliveryAt: webhookStatus?.last_delivery_at ?? null,
    },
  };
}

/**
 * "Resync from scratch": recorded here, applied by the credential's next run while it holds the run
 * lock (see applyPendingResync), so a run already in progress cannot write its cursor over the reset.
 */
export async function requestResync(db: Db, credentialId: string): Promise<void> {
  await db
    .insertInto('sync_resyncs')
    .values({ credential_id: credentialId, requested_at: new Date(), applied_at: null })
    .onConflict((conflict) => conflict.column('credential_id').doUpdateSet({ requested_at: new Date(), applied_at: null }))
    .execute();
}

/** Called by a run holding the credential's lock, before it reads any cursor. */
export async function applyPendingResync(db: Db, credentialId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const pending = await trx
      .updateTable('sync_resyncs')
      .set({ applied_at: sql<Date>`now()` })
      .where('credential_id', '=', credentialId)
      .where('applied_at', 'is', null)
      .returning('credential_id')
      .executeTakeFirst();
    if (!pending) return false;
    await trx.updateTable('sync_cursors').set({ after_version: 0, records: 0, updated_at: new Date() }).where('credential_id', '=', credentialId).execute();
    return true;
  });
}
