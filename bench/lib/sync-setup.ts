import type { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Store } from '../../emulator/index.ts';
import { resources, type ResourceName } from '../../src/integrations/lightspeed-x/resources.ts';
import type { Connectors } from '../../src/integrations/connectors.ts';
import type { SyncResult } from '../../src/sync/sync-runner.ts';
import { startTypeScriptWorker } from './typescript-worker.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import type { SyncThreadMessage, SyncThreadRun, SyncThreadSettings } from './sync-thread.ts';
import type { BenchContext } from './types.ts';

export const BACKFILL_STORE = 'bench-backfill';

/** The store every sync scenario of a run reads: the scale's size, 5 outlets, rate limit off. */
export function backfillStore(context: BenchContext): Store {
  const existing = context.emulator.stores.get(BACKFILL_STORE);
  if (existing) return existing;
  const store = context.emulator.createStore({ domainPrefix: BACKFILL_STORE, customers: context.spec.customers, sales: context.spec.sales, outlets: 5, registers: 5, seed: 11 });
  store.setRateLimit({ enabled: false });
  return store;
}

export type ConnectedCompany = { database: TestDatabase; companyId: string; credentialId: string; connectors: Connectors; secretKey: Buffer; domainPrefix: string };

/** A fresh migrated database with a company whose saved Lightspeed connection points at the store. */
export async function connectFresh(context: BenchContext, domainPrefix: string): Promise<ConnectedCompany> {
  const database = await createTestDatabase();
  const connected = await connectStore(database.db, context.emulator, domainPrefix);
  return { database, companyId: connected.companyId, credentialId: connected.credentialId, connectors: connected.connectors, secretKey: connected.secretKey, domainPrefix };
}

/**
 * Keeps a fully synced company for the scenarios that start from one (requests, incremental), in
 * place of any kept before, whose database is dropped.
 */
export async function keepSynced(context: BenchContext, company: ConnectedCompany): Promise<void> {
  const previous = context.shared.get('synced') as ConnectedCompany | undefined;
  if (previous && previous !== company) await previous.database.drop();
  context.shared.set('synced', company);
}

/** Milliseconds on a clock that the main thread and the sync thread share. */
const wallClock = () => performance.timeOrigin + performance.now();

export type TimedSync = {
  result: Extract<SyncResult, { outcome: 'succeeded' }>;
  seconds: number;
  /** Per resource: records handled and the seconds from the end of the previous resource to its last page. */
  byResource: Map<string, { records: number; seconds: number }>;
  requests: number;
  tooMany: number;
};

let syncThread: Promise<Worker> | undefined;

/**
 * The run's one sync thread (sync-thread.ts), started on first use. It is unreferenced while idle, so
 * it never holds the bench open; a thread that dies is replaced at the next use.
 */
function startedSyncThread(context: BenchContext): Promise<Worker> {
  syncThread ??= new Promise<Worker>((resolve, reject) => {
    const settings: SyncThreadSettings = { lightspeedBaseUrl: context.emulator.baseUrlTemplate };
    const thread = startTypeScriptWorker(new URL('./sync-thread.ts', import.meta.url), { workerData: settings });
    const failed = (error: Error) => {
      syncThread = undefined;
      reject(error);
    };
    thread.once('error', failed);
    thread.once('exit', (code) => failed(new Error(`the sync thread exited (code ${code})`)));
    thread.once('message', (message: SyncThreadMessage) => {
      if (message.type !== 'ready') return failed(new Error(`the sync thread said ${message.type} before it was ready`));
      thread.unref();
      resolve(thread);
    });
  });
  return syncThread;
}

/**
 * One full sync run as the product does it (all hooks), timed per resource from its progress reports.
 * The run happens in the sync thread (see sync-thread.ts), apart from the emulator's event loop, as a
 * Patron worker process is apart from Lightspeed.
 */
export async function timedSync(context: BenchContext, company: ConnectedCompany, reason: string): Promise<TimedSync> {
  const { emulator } = context;
  const thread = await startedSyncThread(context);
  const requestsBefore = emulator.countRequests({ store: company.domainPrefix });
  const tooManyBefore = emulator.countRequests({ store: company.domainPrefix, status: 429 });
  const lastAt = new Map<string, number>();
  const records = new Map<string, number>();
  let seen = 0;
  const request: SyncThreadRun = {
    type: 'run',
    databaseUrl: company.database.url,
    secretKeyHex: company.secretKey.toString('hex'),
    credentialId: company.credentialId,
    reason,
  };
  let finishedAt = 0;
  thread.ref();
  const startedAt = wallClock();
  const result = await new Promise<SyncResult>((resolve, reject) => {
    const exited = (code: number) => reject(new Error(`the sync thread exited (code ${code}) without a result`));
    const onMessage = (message: SyncThreadMessage) => {
      if (message.type === 'progress') {
        const { progress } = message;
        records.set(progress.resource, (records.get(progress.resource) ?? 0) + progress.records - seen);
        seen = progress.records;
        lastAt.set(progress.resource, message.at);
        return;
      }
      thread.off('message', onMessage).off('error', reject).off('exit', exited);
      if (message.type === 'result') {
        finishedAt = wallClock();
        resolve(message.result);
      } else reject(new Error(`sync thread failed: ${message.type === 'error' ? message.message : message.type}`));
    };
    thread.on('message', onMessage).on('error', reject).on('exit', exited);
    thread.postMessage(request);
  }).finally(() => thread.unref());
  if (result.outcome !== 'succeeded') throw new Error(`sync did not succeed: ${JSON.stringify(result)}`);
  const byResource = new Map<string, { records: number; seconds: number }>();
  let previousEnd = startedAt;
  for (const resource of Object.keys(resources)) {
    const end = lastAt.get(resource);
    if (end === undefined) continue;
    byResource.set(resource, { records: records.get(resource) ?? 0, seconds: (end - previousEnd) / 1000 });
    previousEnd = end;
  }
  return {
    result,
    seconds: (finishedAt - startedAt) / 1000,
    byResource,
    requests: emulator.countRequests({ store: company.domainPrefix }) - requestsBefore,
    tooMany: emulator.countRequests({ store: company.domainPrefix, status: 429 }) - tooManyBefore,
  };
}

/** Records served so far per resource, from the sync cursors (they count every item of every page). */
export async function servedPerResource(company: ConnectedCompany): Promise<Map<string, number>> {
  const rows = await sql<{ resource: string; records: number }>`
    SELECT resource, records FROM sync_cursors WHERE credential_id = ${company.credentialId}`.execute(company.database.db);
  return new Map(rows.rows.map((row) => [row.resource, Number(row.records)]));
}

/**
 * The fewest requests that can read `served` records: every resource needs its full pages plus the
 * one page that comes back empty (or short) and says "nothing more".
 */
export function minimumRequests(served: Map<string, number>, pageSizes: Partial<Record<ResourceName, number>> = {}): number {
  let total = 0;
  for (const [name, resource] of Object.entries(resources) as Array<[ResourceName, (typeof resources)[ResourceName]]>) {
    const pageSize = pageSizes[name] ?? resource.maxPageSize;
    total += Math.ceil((served.get(name) ?? 0) / pageSize) + 1;
  }
  return total;
}
