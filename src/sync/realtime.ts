import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { loadCredentialForSync } from '../integrations/credential-token.ts';
import { readIntegrationSettings } from '../integrations/integration-settings.ts';
import { createLightspeedWebhooks } from '../integrations/lightspeed-x/webhooks.ts';

/**
 * Real-time updates: Patron asks each store to POST to `${PUBLIC_URL}/webhooks/<path>/<secret>` when
 * customers or sales change, and treats each delivery as a signal to sync that credential now.
 * Polling stays the source of truth; a lost webhook only delays a change until the next scheduled run.
 */
export type RealtimeAdapter = {
  /** The URL segment deliveries arrive on: /webhooks/<pathSegment>/<secret>. */
  pathSegment: string;
  /** The event types Patron subscribes to. */
  eventTypes: readonly string[];
  /**
   * Makes sure the store has exactly one active webhook per event type pointing at `url`, reusing
   * any that already exist. Returns the webhook id per event type.
   */
  subscribe(input: StoreAccess & { url: string }): Promise<Record<string, string>>;
  /** Removes the webhooks with these ids, and any other pointing at `url` when given. */
  unsubscribe(input: StoreAccess & { url: string | null; ids: string[] }): Promise<void>;
  /** Reads a delivery's form fields; only the event type (and the store, to cross-check) is taken. */
  parseDelivery(form: Record<string, string>): { ok: true; eventType: string; relevant: boolean; storeAddress: string | null } | { ok: false; message: string };
};

export type StoreAccess = { storeAddress: string; token: string; timeoutMs?: number };

export type RealtimeAdapters = Record<string, RealtimeAdapter>;

export function createRealtimeAdapters(config: { lightspeedBaseUrl: string }): RealtimeAdapters {
  return { 'lightspeed-x': createLightspeedWebhooks(config.lightspeedBaseUrl) };
}

export type RealtimeDeps = { db: Db; secretKey: Buffer; logger: Logger; adapters: RealtimeAdapters };

export const REALTIME_QUEUE = 'webhook-registration';

/** `publicUrl` is the enqueuing web process's PUBLIC_URL: the address the store must call. */
export type RealtimeJobData = { credentialId: string; publicUrl: string | null };

export function webhookUrl(publicUrl: string, adapter: RealtimeAdapter, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${adapter.pathSegment}/${secret}`;
}

/**
 * `stately` keeps at most one waiting and one running job per credential, so a burst of toggles
 * collapses, and the job reads the wanted state when it runs, not when it was queued.
 */
export const REALTIME_QUEUE_DEFINITION: PgBoss.Queue = { name: REALTIME_QUEUE, policy: 'stately', retryLimit: 6, retryDelay: 15, retryBackoff: true, expireInSeconds: 300 };

export async function requestWebhookReconcile(boss: PgBoss, data: RealtimeJobData): Promise<string | null> {
  return boss.send(REALTIME_QUEUE, data, { singletonKey: data.credentialId });
}

/** Queues a reconcile of every credential of a company's connection to one provider. */
export async function requestConnectionReconcile(db: Db, boss: PgBoss, companyId: string, provider: string, publicUrl: string | null): Promise<number> {
  const rows = await db
    .selectFrom('credentials')
    .innerJoin('connections', 'connections.id', 'credentials.connection_id')
    .select('credentials.id')
    .where('credentials.company_id', '=', companyId)
    .where('connections.provider', '=', provider)
    .execute();
  for (const row of rows) await requestWebhookReconcile(boss, { credentialId: row.id, publicUrl });
  return rows.length;
}

export async function startRealtimeWorker(boss: PgBoss, deps: RealtimeDeps): Promise<void> {
  await boss.work<RealtimeJobData>(REALTIME_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    return reconcileWebhooks(deps, job.data.credentialId, job.data.publicUrl);
  });
}

export type ReconcileResult = 'registered' | 'removed' | 'nothing' | 'failed';

/**
 * Brings one store's webhooks in line with the connection: registered when real-time updates are on,
 * PUBLIC_URL is known and the credential is active; removed otherwise. The outcome (and any error) is
 * written to `webhook_status` for the status page. Transient failures throw so the job retries.
 */
export async function reconcileWebhooks(deps: RealtimeDeps, credentialId: string, publicUrl: string | null): Promise<ReconcileResult> {
  const { db, logger } = deps;
  return db.connection().execute(async (lockConnection) => {
    await sql`SELECT pg_advisory_lock(hashtextextended(${'webhooks:' + credentialId}, 0))`.execute(lockConnection);
    try {
      const credential = await loadCredentialForSync(db, deps.secretKey, credentialId);
      if (!credential) return 'nothing';
      const adapter = deps.adapters[credential.provider];
      if (!adapter) return 'nothing';
      const secretRow = await db.selectFrom('credentials').select('webhook_secret').where('id', '=', credentialId).executeTakeFirstOrThrow();
      const existing = await db.selectFrom('webhook_subscriptions').select(['event_type', 'external_id']).where('credential_id', '=', credentialId).execute();
      const settings = readIntegrationSettings(credential.settings);
      const wanted = settings.realtimeUpdates && credential.syncEnabled;
      const url = publicUrl ? webhookUrl(publicUrl, adapter, secretRow.webhook_secret) : null;
      const access = { storeAddress: credential.storeAddress, token: credential.token };

      if (wanted && credential.status === 'active') {
        if (!url) {
          await recordStatus(db, credentialId, 'failed', 'Real-time updates need PUBLIC_URL: set it to the address Lightspeed can reach Patron at, then save the connection again.');
          return 'failed';
        }
        try {
          const ids = await adapter.subscribe({ ...access, url });
          await db.transaction().execute(async (trx) => {
            await trx.deleteFrom('webhook_subscriptions').where('credential_id', '=', credentialId).execute();
            const rows = Object.entries(ids).map(([eventType, externalId]) => ({ credential_id: credentialId, event_type: eventType, external_id: externalId }));
            if (rows.length > 0) await trx.insertInto('webhook_subscriptions').values(rows).execute();
          });
          await recordStatus(db, credentialId, 'registered', null);
          logger.info({ credentialId, eventTypes: Object.keys(ids) }, 'webhooks registered');
          return 'registered';
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await recordStatus(db, credentialId, 'failed', `Could not register the webhooks: ${message}`);
          logger.warn({ credentialId, err: message }, 'webhook registration failed');
          if (isRetryable(error)) throw error;
          return 'failed';
        }
      }

      if (existing.length === 0) {
        if (wanted) await recordStatus(db, credentialId, 'failed', `Real-time updates are paused while the credential is ${credential.status}.`);
        return 'nothing';
      }
      if (credential.status !== 'active') {
        // The store would refuse the token; the subscriptions stay recorded for a later attempt.
        await recordStatus(db, credentialId, 'failed', `The webhooks could not be removed while the credential is ${credential.status}.`);
        return 'failed';
      }
      try {
        await adapter.unsubscribe({ ...access, url, ids: existing.map((row) => row.external_id) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await recordStatus(db, credentialId, 'failed', `Could not remove the webhooks: ${message}`);
        if (isRetryable(error)) throw error;
        return 'failed';
      }
      await db.deleteFrom('webhook_subscriptions').where('credential_id', '=', credentialId).execute();
      await recordStatus(db, credentialId, wanted ? 'failed' : 'removed', wanted ? 'PUBLIC_URL is not set, so the webhooks were removed.' : null);
      logger.info({ credentialId }, 'webhooks removed');
      return 'removed';
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${'webhooks:' + credentialId}, 0))`.execute(lockConnection);
    }
  });
}

/**
 * Before a credential is deleted (its token goes with it): remove its webhooks from the store, within
 * `timeoutMs`. Never throws: an unreachable store must not stop the retailer removing a credential,
 * and a stray webhook is harmless (deliveries to an unknown secret get a 404).
 */
export async function removeWebhooksBeforeDelete(deps: RealtimeDeps, credentialId: string, timeoutMs = 5000): Promise<void> {
  try {
    await deps.db.connection().execute(async (lockConnection) => {
      // A registration in flight has created webhooks in the store but may not have recorded them
      // yet: wait for it (it holds this lock) so that what it created is removed too.
      await sql`SELECT set_config('lock_timeout', ${`${timeoutMs}ms`}, false)`.execute(lockConnection);
      try {
        await sql`SELECT pg_advisory_lock(hashtextextended(${'webhooks:' + credentialId}, 0))`.execute(lockConnection);
      } finally {
        await sql`SELECT set_config('lock_timeout', '0', false)`.execute(lockConnection);
      }
      try {
        const existing = await deps.db.selectFrom('webhook_subscriptions').select('external_id').where('credential_id', '=', credentialId).execute();
        if (existing.length === 0) return;
        const credential = await loadCredentialForSync(deps.db, deps.secretKey, credentialId);
        const adapter = credential ? deps.adapters[credential.provider] : undefined;
        if (!credential || !adapter) return;
        await adapter.unsubscribe({ storeAddress: credential.storeAddress, token: credential.token, timeoutMs, url: null, ids: existing.map((row) => row.external_id) });
        deps.logger.info({ credentialId }, 'webhooks removed before the credential was deleted');
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtextextended(${'webhooks:' + credentialId}, 0))`.execute(lockConnection);
      }
    });
  } catch (error) {
    deps.logger.warn({ credentialId, err: error instanceof Error ? error.message : String(error) }, 'could not remove the webhooks of a deleted credential; continuing');
  }
}

async function recordStatus(db: Db, credentialId: string, state: 'registered' | 'removed' | 'failed', error: string | null): Promise<void> {
  await db
    .insertInto('webhook_status')
    .values({ credential_id: credentialId, state, error, attempted_at: new Date() })
    .onConflict((conflict) => conflict.column('credential_id').doUpdateSet({ state, error, attempted_at: new Date() }))
    .execute();
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}
