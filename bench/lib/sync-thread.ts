/**
 * The bench's sync thread, for timedSync. In production the sync runs in a worker process and
 * Lightspeed answers from elsewhere; in the bench the emulator serves from the bench's main thread, so
 * the sync must not share that thread's event loop: every page the emulator built there held up the
 * sync's hooks between their statements. Both threads still share the machine's cores.
 *
 * One thread serves every timed sync of a bench run, one run at a time, as a worker process serves
 * its jobs: it builds the connectors (and with them its reader thread) once, and starting a thread
 * through tsx costs about a second. Protocol: the thread posts `ready` once loaded; for each `run`
 * it posts `progress` per committed group and finally `result` (or `error`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../src/db/database.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync, type SyncProgress, type SyncResult } from '../../src/sync/sync-runner.ts';

export type SyncThreadSettings = { lightspeedBaseUrl: string };
export type SyncThreadRun = { type: 'run'; databaseUrl: string; secretKeyHex: string; credentialId: string; reason: string };
export type SyncThreadMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: SyncProgress; at: number }
  | { type: 'result'; result: SyncResult }
  | { type: 'error'; message: string };

const settings = workerData as SyncThreadSettings;
const port = parentPort!;
const post = (message: SyncThreadMessage) => port.postMessage(message);
const connectors = createConnectors({ lightspeedBaseUrl: settings.lightspeedBaseUrl });
const logger = createLogger('silent');

async function run(request: SyncThreadRun): Promise<SyncResult> {
  const database = openDatabase(request.databaseUrl);
  try {
    const deps = createSyncDeps({ db: database.db, secretKey: Buffer.from(request.secretKeyHex, 'hex'), connectors, logger });
    return await runCredentialSync(deps, request.credentialId, {
      reason: request.reason,
      maxRunMs: Number.POSITIVE_INFINITY,
      // performance.now() of a worker counts from the worker's start: the main thread gets a wall clock time.
      onProgress: (progress) => post({ type: 'progress', progress, at: performance.timeOrigin + performance.now() }),
    });
  } finally {
    await database.close();
  }
}

port.on('message', (request: SyncThreadRun) => {
  run(request)
    .then((result) => post({ type: 'result', result }))
    .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
post({ type: 'ready' });
