import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded-server.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrate } from './db/migrate.ts';

/**
 * The database a Patron process works on: the server at DATABASE_URL, or an embedded one started
 * (and later stopped) by this process. Migrations are applied before anything else touches it.
 */
export type Runtime = { databaseUrl: string; database: DatabaseHandle; close(): Promise<void> };

export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  let embedded: EmbeddedServer | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const started = Date.now();
    embedded = await startEmbeddedPostgres(config.dataDir, logger);
    databaseUrl = embedded.url;
    logger.info({ port: embedded.port, ms: Date.now() - started }, 'embedded PostgreSQL started');
  }
  const database = openDatabase(databaseUrl, { max: 20 });
  try {
    const applied = await migrate(database.pool);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    await database.close();
    await embedded?.stop();
    throw error;
  }
  return {
    databaseUrl,
    database,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
