import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import type { Logger } from '../logger.ts';
import type { Connectors } from '../integrations/connectors.ts';
import { ConnectorError } from '../integrations/connector-error.ts';
import type { PageItem } from '../integrations/connector.ts';
import { loadCredentialForSync, type CredentialForSync } from '../integrations/credential-token.ts';
import { readIntegrationSettings } from '../integrations/integration-settings.ts';
import { raiseNotification, resolveNotification } from '../notifications/notifications.ts';
import { writeRecords, type CredentialScope, type WriteOutcome } from './record-writer.ts';
import type { SourceRecord } from './source-records.ts';
import { applyPendingResync } from './sync-status.ts';
import { groupPages, splitGroup } from './page-groups.ts';
import { PersonaTotalsChanges } from '../personas/persona-totals.ts';
import type { TableStatistics } from './table-statistics.ts';

export type SyncDeps = {
  db: Db;
  secretKey: Buffer;
  connectors: Connectors;
  logger: Logger;
  /** Work done in the page's transaction after its records are written (identity resolution, …). */
  afterPageHooks?: AfterPageHook[];
  /** Analyzes the tables a backfill fills as they grow (see table-statistics.ts). */
  tableStatistics?: TableStatistics;
};

/**
 * Work done in a page's transaction after its records are written. Additions to personas' totals go
 * to `totals`, which the runner applies once after the last hook (see persona-totals.ts).
 */
export type AfterPageHook = (
  trx: Transaction<Database>,
  scope: CredentialScope,
  records: SourceRecord[],
  outcome: WriteOutcome,
  totals: PersonaTotalsChanges,
) => Promise<void>;

export type SyncProgress = { resource: string; pages: number; records: number; requests: number };

export type SyncResult =
  | { outcome: 'succeeded'; complete: boolean; runId: string; pages: number; records: number; requests: number; quarantined: number }
  | { outcome: 'rate_limited'; runId: string; retryAt: Date }
  | { outcome: 'auth_failed'; runId: string }
  | { outcome: 'skipped'; reason: string };

export type SyncOptions = {
  reason: string;
  /** Stop after the page that crosses this much time, so one job never holds a worker for long. */
  maxRunMs?: number;
  onProgress?: (progress: SyncProgress) => void;
};

/**
 * One sync run of one credential: every resource, in order, from its saved cursor to the end.
 *
 * Records commit with the work that hangs off them (personas, points) in transactions of at most
 * SLICE_SIZE records: a big page is split into slices, and small pages already read ahead are
 * written together (see page-groups.ts). The last transaction of a page also commits the quarantine
 * entries, the new cursor and the run's counters. So a crash repeats at most the pages of one group,
 * and a repeated page changes nothing (writes are idempotent on version). A session advisory lock
 * makes sure only one run per credential is ever active, whatever the number of workers.
 *
 * Transient failures are thrown (the job queue retries with back-off); a 429 and a revoked token are
 * results, handled by the caller without counting as failures.
 */
export async function runCredentialSync(deps: SyncDeps, credentialId: string, options: SyncOptions): Promise<SyncResult> {
  return deps.db.connection().execute(async (lockConnection) => {
    const locked = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${'sync:' + credentialId}, 0)) AS locked`.execute(lockConnection);
    if (!locked.rows[0]?.locked) return { outcome: 'skipped', reason: 'another run of this credential is in progress' } as const;
    try {
      return await runLocked(deps, credentialId, options);
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${'sync:' + credentialId}, 0))`.execute(lockConnection);
    }
  });
}

async function runLocked(deps: SyncDeps, credentialId: string, options: SyncOptions): Promise<SyncResult> {
  const { db, logger } = deps;
  const credential = await loadCredentialForSync(db, deps.secretKey, credentialId);
  if (!credential) return { outcome: 'skipped', reason: 'the credential no longer exists' };
  if (credential.status !== 'active') return { outcome: 'skipped', reason: `the credential is ${credential.status}` };
  const connector = deps.connectors[credential.provider];
  if (!connector) return { outcome: 'skipped', reason: `no connector for ${credential.provider}` };

  await applyPendingResync(db, credentialId);
  // We hold the lock, so a run still marked running was cut short by a crash.
  await db
    .updateTable('sync_runs')
    .set({ outcome: 'interrupted', finished_at: new Date() })
    .where('credential_id', '=', credentialId)
    .where('outcome', '=', 'running')
    .execute();
  const run = await db
    .insertInto('sync_runs')
    .values({ company_id: credential.companyId, credential_id: credentialId, reason: options.reason })
    .returning('id')
    .executeTakeFirstOrThrow();

  const scope: CredentialScope = { credentialId, companyId: credential.companyId, region: credential.country };
  const settings = readIntegrationSettings(credential.settings);
  const historyStart = settings.historyStartDate ? Date.parse(settings.historyStartDate + 'T00:00:00Z') : undefined;
  const totals = { pages: 0, records: 0, requests: 0, quarantined: 0 };
  const reader = connector.createReader({ storeAddress: credential.storeAddress, token: credential.token, onRequest: () => totals.requests++ });
  const deadline = Date.now() + (options.maxRunMs ?? 120_000);
  let complete = true;

  // The transaction of the unit (slice or group) before the current one. Only a unit of sales, or of
  // customers not stored yet, may start while it is still running (see mayOverlapPrevious); every
  // other unit waits for it first.
  let previous: Promise<void> = Promise.resolve();
  try {
    resources: for (const resource of reader.resources) {
      const cursorRow = await db
        .selectFrom('sync_cursors')
        .select('after_version')
        .where('credential_id', '=', credentialId)
        .where('resource', '=', resource)
        .executeTakeFirst();
      let previousIds = new Set<string>();
      for await (const group of groupPages(reader.pages(resource, cursorRow?.after_version ?? 0), SLICE_SIZE)) {
        const { records, rejected } = splitGroup(group, historyStart);
        const cursor = group.at(-1)!.cursor;
        const served = group.reduce((sum, page) => sum + page.items.length, 0);
        // A big page is committed in slices so the first records show up (and the transaction stays
        // short) even when a page holds 10,000 customers; small pages read ahead are committed together.
        // The cursor moves only with the last slice: a crash in between repeats the page, which changes
        // nothing for the slices already written.
        const slices = sliceRecords(records);
        for (const [index, slice] of slices.entries()) {
          const last = index === slices.length - 1;
          const ids = new Set(slice.map((record) => record.externalId));
          const sharesRecords = slice.some((record) => previousIds.has(record.externalId));
          const before = previous;
          previous = db
            .transaction()
            .execute(async (trx) => {
              if (sharesRecords || !(await mayOverlapPrevious(trx, credentialId, slice))) await before;
              const outcome = await writeRecords(trx, scope, slice);
              // From here on the unit reads what the one before it wrote (ledger, totals, identifiers),
              // so that one must have committed; if it failed, this one rolls back with it.
              await before;
              const personaTotals = new PersonaTotalsChanges();
              for (const hook of deps.afterPageHooks ?? []) await hook(trx, scope, slice, outcome, personaTotals);
              await personaTotals.apply(trx);
              await recordQuarantine(trx, credentialId, resource, slice, last ? rejected : []);
              if (!last) return;
              await sql`
                INSERT INTO sync_cursors (credential_id, resource, after_version, records, updated_at)
                VALUES (${credentialId}, ${resource}, ${cursor}, ${served}, now())
                ON CONFLICT (credential_id, resource) DO UPDATE SET
                  after_version = excluded.after_version, records = sync_cursors.records + excluded.records, updated_at = now()`.execute(trx);
              await trx
                .updateTable('sync_runs')
                .set((eb) => ({
                  current_resource: resource,
                  pages: eb('pages', '+', group.length),
                  records: eb('records', '+', served),
                  quarantined: eb('quarantined', '+', rejected.length),
                  requests: totals.requests,
                }))
                .where('id', '=', run.id)
                .execute();
            })
            .then(() => {
              deps.tableStatistics?.refreshIfStale(slice.length);
              if (!last) return;
              totals.pages += group.length;
              totals.records += served;
              totals.quarantined += rejected.length;
              options.onProgress?.({ resource, ...totals });
            });
          // A failure surfaces from the await below (next unit) or after the loop, never unhandled.
          previous.catch(() => undefined);
          previousIds = ids;
          // At most two units in flight: the one committing and the one being written.
          await before;
        }
        if (Date.now() > deadline) {
          await previous;
          complete = false;
          break resources;
        }
      }
      await previous;
    }
  } catch (error) {
    // No transaction of this run may still be open once the run's lock is released.
    await previous.catch(() => undefined);
    await deps.tableStatistics?.settled();
    return handleFailure(deps, credential, run.id, totals.requests, error);
  }

  await deps.tableStatistics?.settled();
  await db
    .updateTable('sync_runs')
    .set({ outcome: 'succeeded', complete, finished_at: new Date(), requests: totals.requests, current_resource: null })
    .where('id', '=', run.id)
    .execute();
  await resolveNotification(db, credential.companyId, invalidCredentialKey(credentialId));
  logger.info({ credentialId, runId: run.id, ...totals, complete }, 'sync run finished');
  return { outcome: 'succeeded', complete, runId: run.id, ...totals };
}

/**
 * Whether a unit may write its records while the unit before it is still committing; it runs its
 * own hooks only after that one has committed, so the result is the same as one after the other,
 * while the database works on both at once. A record in both units is written after the first
 * commits (the caller checks), so whether it existed is read correctly.
 *
 * Sales may: the hooks of the unit before (points, totals, favorite stores, the unmapped-stores
 * notice) never touch the sales, lines and payments this unit writes. Customers may when none of
 * them is stored yet, as in a backfill: the unit before cannot see rows this one inserts, so its
 * links and merges never wait on them. A stored customer could be among the links that a merge of
 * the unit before moves, and that merge would wait on this unit's lock on the row while this unit
 * waits for the merge to commit; so a unit with one runs after the unit before. Nothing else may.
 */
async function mayOverlapPrevious(trx: Transaction<Database>, credentialId: string, slice: SourceRecord[]): Promise<boolean> {
  const kind = slice[0]?.kind;
  if (kind === 'sale') return true;
  if (kind !== 'customer') return false;
  // Every unit before the one in flight has committed, and that one holds none of these ids.
  const ids = slice.map((record) => record.externalId);
  const stored = await sql`SELECT 1 FROM source_customers WHERE credential_id = ${credentialId} AND external_id = ANY(${ids}::text[]) LIMIT 1`.execute(trx);
  return stored.rows.length === 0;
}

/**
 * Records per transaction: small enough that a page of 10,000 customers shows its first personas
 * within a second, big enough that four pages of 500 sales share one.
 */
const SLICE_SIZE = 2_000;

function sliceRecords(records: SourceRecord[]): SourceRecord[][] {
  if (records.length <= SLICE_SIZE) return [records];
  const slices: SourceRecord[][] = [];
  for (let start = 0; start < records.length; start += SLICE_SIZE) slices.push(records.slice(start, start + SLICE_SIZE));
  return slices;
}

async function recordQuarantine(
  trx: Transaction<Database>,
  credentialId: string,
  resource: string,
  written: SourceRecord[],
  rejected: Array<Extract<PageItem, { ok: false }>>,
): Promise<void> {
  // A record that reads fine now leaves quarantine.
  const healed = written.map((record) => record.externalId);
  if (healed.length > 0) {
    await trx
      .deleteFrom('sync_quarantine')
      .where('credential_id', '=', credentialId)
      .where('resource', '=', resource)
      .where('external_id', 'in', healed)
      .execute();
  }
  for (const item of rejected) {
    await trx
      .insertInto('sync_quarantine')
      .values({ credential_id: credentialId, resource, external_id: item.externalId, error: item.error, payload: JSON.stringify(item.payload) })
      .onConflict((conflict) =>
        conflict.columns(['credential_id', 'resource', 'external_id']).doUpdateSet({ error: item.error, payload: JSON.stringify(item.payload), last_seen_at: new Date() }),
      )
      .execute();
  }
}

export const invalidCredentialKey = (credentialId: string) => `credential-invalid:${credentialId}`;

async function handleFailure(deps: SyncDeps, credential: CredentialForSync, runId: string, requests: number, error: unknown): Promise<SyncResult> {
  const { db, logger } = deps;
  const finish = (outcome: 'failed' | 'rate_limited' | 'auth_failed', message: string, retryAt: Date | null = null) =>
    db.updateTable('sync_runs').set({ outcome, error: message, finished_at: new Date(), requests, retry_at: retryAt }).where('id', '=', runId).execute();

  if (error instanceof ConnectorError && error.kind === 'rate_limited') {
    const retryAt = new Date(Date.now() + (error.details.retryAfterMs ?? 30_000));
    await finish('rate_limited', error.message, retryAt);
    logger.info({ credentialId: credential.id, retryAt }, 'sync paused by the rate limit');
    return { outcome: 'rate_limited', runId, retryAt };
  }
  if (error instanceof ConnectorError && error.kind === 'auth') {
    await finish('auth_failed', error.message);
    await db
      .updateTable('credentials')
      .set({ status: 'invalid', status_reason: 'The POS rejected the token (revoked or expired).', updated_at: new Date() })
      .where('id', '=', credential.id)
      .execute();
    await raiseNotification(db, credential.companyId, {
      kind: 'credential_invalid',
      key: invalidCredentialKey(credential.id),
      title: `Reconnect Lightspeed: ${credential.storeName}`,
      body: `Lightspeed rejected the token for ${credential.storeName} (${credential.storeAddress}), so syncing has stopped. Generate a new personal token in Lightspeed and use Replace token on the connection page; syncing resumes where it stopped and nothing already synced is lost.`,
      link: `/settings/integrations/${credential.provider}`,
    });
    logger.warn({ credentialId: credential.id }, 'credential rejected by the POS; marked invalid');
    return { outcome: 'auth_failed', runId };
  }
  const message = error instanceof Error ? error.message : String(error);
  await finish('failed', message);
  logger.warn({ credentialId: credential.id, err: message }, 'sync run failed');
  throw error;
}
