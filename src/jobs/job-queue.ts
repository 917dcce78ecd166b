import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { HOUSEKEEPING_QUEUE_DEFINITION } from './housekeeping.ts';
import { SYNC_QUEUE_DEFINITION } from '../sync/sync-queue.ts';
import { SCHEDULER_QUEUE_DEFINITION } from '../sync/sync-scheduler.ts';
import { REALTIME_QUEUE_DEFINITION } from '../sync/realtime.ts';
import { FAVORITE_STORE_QUEUE_DEFINITION } from '../stores/favorite-store-queue.ts';

/** Every queue Patron sends to or works on; each module explains its queue's policy. */
export const PATRON_QUEUES: readonly PgBoss.Queue[] = [
  SYNC_QUEUE_DEFINITION,
  SCHEDULER_QUEUE_DEFINITION,
  REALTIME_QUEUE_DEFINITION,
  FAVORITE_STORE_QUEUE_DEFINITION,
  HOUSEKEEPING_QUEUE_DEFINITION,
];

/**
 * pg-boss on Patron's own database, in its own `pgboss` schema. Every process that enqueues opens
 * one; only worker processes call `work`. Scaling out = more worker processes on the same database.
 *
 * Every queue is created here, before the caller can start a worker or send a job: pg-boss drops a
 * job sent to a missing queue without a word (send returns null). Creating a queue is DDL on
 * pg-boss's partitioned job table, so it is kept apart from everything else:
 * - processes set up one at a time, under an advisory lock: two creations at once, in two
 *   processes starting together on a new database, deadlock on pg-boss's queue table;
 * - creation is done before any worker polls or any job is sent: a CI run once failed a first start
 *   with "no partition of relation "job" found for row" while creations and job inserts overlapped.
 * On a database that has every queue, each creation is a no-op, not DDL.
 */
export async function startJobQueue(databaseUrl: string, logger: Logger, options: { schedule: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max: 4,
    // Only workers run cron; the web process just enqueues.
    schedule: options.schedule,
    supervise: options.schedule,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  // start() creates pg-boss's schema, and its cron queue when `schedule` is on: DDL as well.
  await oneProcessAtATime(databaseUrl, async () => {
    await boss.start();
    for (const queue of PATRON_QUEUES) await boss.createQueue(queue.name, queue);
  });
  return boss;
}

async function oneProcessAtATime(databaseUrl: string, setUp: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A failure surfaces as the rejected query below; the event must not also crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['patron:job-queue-setup']);
    await setUp();
  } finally {
    // Closing the session releases the lock, also when setUp failed.
    await client.end();
  }
}

export type { PgBoss };
