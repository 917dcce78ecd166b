import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';

/**
 * pg-boss on Patron's own database, in its own `pgboss` schema. Every process that enqueues opens
 * one; only worker processes call `work`. Scaling out = more worker processes on the same database.
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
  await boss.start();
  return boss;
}

export type { PgBoss };
