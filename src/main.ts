import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './logger.ts';
import { openRuntime } from './runtime.ts';
import { startJobQueue } from './jobs/job-queue.ts';
import { registerHousekeeping } from './jobs/housekeeping.ts';
import { createConnectors } from './integrations/connectors.ts';
import { stopReaderThread } from './integrations/reader-thread.ts';
import { startSyncWorker } from './sync/sync-worker.ts';
import { registerSyncScheduler } from './sync/sync-scheduler.ts';
import { runSyncCommand } from './sync/sync-command.ts';
import { createSyncDeps } from './sync/sync-deps.ts';
import { createRealtimeAdapters, startRealtimeWorker } from './sync/realtime.ts';
import { rotateKey } from './secrets/rotate-key.ts';
import { startFavoriteStoreWorker } from './stores/favorite-store-queue.ts';

/**
 * Patron's command line.
 *   start    web server and worker in one process (the default)
 *   web      web server only (enqueues jobs, runs none)
 *   worker   job worker only; run several against one database to scale out
 *   migrate  apply database migrations and exit
 *   sync <credential-id | domain-prefix>   run one sync in the foreground, with progress
 *   rotate-key --new-key <hex64>   re-encrypt every stored token under a new key (stop workers first)
 */
const commands = ['start', 'web', 'worker', 'migrate', 'sync', 'rotate-key'] as const;
type Command = (typeof commands)[number];

async function main(argv: string[]): Promise<void> {
  const command = (argv[0] ?? 'start') as Command;
  if (!commands.includes(command)) {
    console.error(`Unknown command "${argv[0]}". Use one of: ${commands.join(', ')}.`);
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const closers: Array<() => Promise<void>> = [];
  const shutdown = onceShutdown(async () => {
    for (const close of closers.reverse()) await close().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
    await runtime.close();
  }, logger);

  const connectors = createConnectors(config);
  // Registered first, so it runs last: syncs reading through the thread have stopped by then.
  closers.push(stopReaderThread);
  if (command === 'migrate') {
    await shutdown('done');
    return;
  }
  if (command === 'rotate-key') {
    const flag = argv.indexOf('--new-key');
    const newKeyHex = flag >= 0 ? argv[flag + 1] : argv.find((arg) => arg.startsWith('--new-key='))?.slice('--new-key='.length);
    try {
      const result = await rotateKey(runtime.database.db, { currentKey: config.secretKey, newKeyHex, keyFromEnv: config.secretKeySource !== 'file', dataDir: config.dataDir });
      console.log(`Re-encrypted ${result.rotated} credential token${result.rotated === 1 ? '' : 's'} under the new key.`);
      console.log(result.instructions);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      await runtime.close();
      process.exit(1);
    }
    await runtime.close();
    process.exit(0);
  }
  if (command === 'sync') {
    const code = await runSyncCommand(createSyncDeps({ db: runtime.database.db, secretKey: config.secretKey, connectors, logger }), argv[1]);
    await runtime.close();
    process.exit(code);
  }

  const runsWorker = command === 'start' || command === 'worker';
  const boss = await startJobQueue(runtime.databaseUrl, logger, { schedule: runsWorker });
  closers.push(() => boss.stop({ graceful: true, wait: true, timeout: 20_000 }));
  if (runsWorker) {
    await registerHousekeeping(boss, runtime.database.db, logger);
    await startSyncWorker(boss, createSyncDeps({ db: runtime.database.db, secretKey: config.secretKey, connectors, logger }), { concurrency: config.workerConcurrency });
    await registerSyncScheduler(boss, runtime.database.db);
    await startRealtimeWorker(boss, { db: runtime.database.db, secretKey: config.secretKey, logger, adapters: createRealtimeAdapters(config) });
    await startFavoriteStoreWorker(boss, runtime.database.db, logger);
    logger.info({ concurrency: config.workerConcurrency }, 'worker started');
  }
  if (command === 'start' || command === 'web') {
    // Loaded only where it runs: a worker process without the web app holds ~19 MB less.
    const { buildApp } = await import('./http/app.ts');
    const app = await buildApp({ db: runtime.database.db, config, logger, boss, connectors });
    await app.listen({ port: config.port, host: config.host });
    closers.push(() => app.close());
    console.log(`Patron is running at http://${config.host}:${config.port}`);
  }
}

/**
 * Ctrl-C / SIGTERM stop everything in order, exactly once. A terminal's Ctrl-C reaches both npm and
 * Patron, and npm relays it, so a repeat within a few seconds is the same request; a later one
 * forces the exit.
 */
function onceShutdown(run: () => Promise<void>, logger: ReturnType<typeof createLogger>) {
  let stoppingSince: number | undefined;
  const shutdown = async (reason: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 3000) return;
      logger.warn('forced exit');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ reason }, 'shutting down');
    await run();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return shutdown;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A ConfigError says what to fix; anything else is a fault or an outage, and its stack says where.
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : error);
  process.exit(1);
});
