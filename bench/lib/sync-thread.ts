/**
 * One sync run in a worker thread, for timedSync. In production the sync runs in a worker process and
 * Lightspeed answers from elsewhere; in the bench the emulator serves from the bench's main thread, so
 * the sync must not share that thread's event loop: every page the emulator built there held up the
 * sync's hooks between their statements. Both threads still share the machine's cores.
 *
 * Protocol: the thread opens its database and posts `ready`; on `start` it runs the sync, posting
 * `progress` for each committed group and finally `result` (or `error`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../src/db/database.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync, type SyncProgress, type SyncResult } from '../../src/sync/sync-runner.ts';

export type SyncThreadInput = { databaseUrl: string; secretKeyHex: string; lightspeedBaseUrl: string; credentialId: string; reason: string };
export type SyncThreadMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: SyncProgress; at: number }
  | { type: 'result'; result: SyncResult }
  | { type: 'error'; message: string };

const input = workerData as SyncThreadInput;
const port = parentPort!;
const post = (message: SyncThreadMessage) => port.postMessage(message);
const database = openDatabase(input.databaseUrl);
const deps = createSyncDeps({
  db: database.db,
  secretKey: Buffer.from(input.secretKeyHex, 'hex'),
  connectors: createConnectors({ lightspeedBaseUrl: input.lightspeedBaseUrl }),
  logger: createLogger('silent'),
});

port.once('message', () => {
  void runCredentialSync(deps, input.credentialId, {
    reason: input.reason,
    maxRunMs: Number.POSITIVE_INFINITY,
    // performance.now() of a worker counts from the worker's start: the main thread gets a wall clock time.
    onProgress: (progress) => post({ type: 'progress', progress, at: performance.timeOrigin + performance.now() }),
  })
    .then((result) => post({ type: 'result', result }))
    .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .finally(() => database.close());
});
post({ type: 'ready' });
