import { sql } from 'kysely';
import type { Store } from '../../emulator/index.ts';
import { resources, type ResourceName } from '../../src/integrations/lightspeed-x/resources.ts';
import type { Connectors } from '../../src/integrations/connectors.ts';
import type { SyncResult } from '../../src/sync/sync-runner.ts';
import { startTypeScriptWorker } from './typescript-worker.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import type { SyncThreadInput, SyncThreadMessage } from './sync-thread.ts';
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

/**
 * One full sync run as the product does it (all hooks), timed per resource from its progress reports.
 * The run happens in a worker thread (see sync-thread.ts), apart from the emulator's event loop, as a
 * Patron worker process is apart from Lightspeed; the clock starts once the thread has loaded.
 */
export async function timedSync(context: BenchContext, company: ConnectedCompany, reason: string): Promise<TimedSync> {
  const { emulator } = context;
  const requestsBefore = emulator.countRequests({ store: company.domainPrefix });
  const tooManyBefore = emulator.countRequests({ store: company.domainPrefix, status: 429 });
  const lastAt = new Map<string, number>();
  const records = new Map<string, number>();
  let seen = 0;
  const input: SyncThreadInput = {
    databaseUrl: company.database.url,
    secretKeyHex: company.secretKey.toString('hex'),
    lightspeedBaseUrl: emulator.baseUrlTemplate,
    credentialId: company.credentialId,
    reason,
  };
  const thread = startTypeScriptWorker(new URL('./sync-thread.ts', import.meta.url), { workerData: input });
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  let startedAt = 0;
  let finishedAt = 0;
  const result = await new Promise<SyncResult>((resolve, reject) => {
    thread.on('error', reject);
    thread.on('exit', (code) => reject(new Error(`the sync thread exited (code ${code}) without a result`)));
    thread.on('message', (message: SyncThreadMessage) => {
      if (message.type === 'ready') {
        startedAt = wallClock();
        thread.postMessage('start');
      } else if (message.type === 'progress') {
        const { progress } = message;
        records.set(progress.resource, (records.get(progress.resource) ?? 0) + progress.records - seen);
        seen = progress.records;
        lastAt.set(progress.resource, message.at);
      } else if (message.type === 'result') {
        finishedAt = wallClock();
        resolve(message.result);
      } else reject(new Error(`sync thread failed: ${message.message}`));
    });
  });
  await exited;
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
