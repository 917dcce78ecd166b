import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded-server.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { sql } from 'kysely';
import { ConfigError } from './config.ts';
import { keyOpensStoredTokens } from './secrets/rotate-key.ts';

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
  // Each store syncing at once can hold three connections (its run lock, the transaction committing
  // and the next one writing sales, see sync-runner.ts); ten more serve requests and other jobs.
  const database = openDatabase(databaseUrl, { max: 10 + 3 * config.workerConcurrency });
  try {
    // A wrong key must stop Patron before it changes anything (migrations included), with a message
    // that says what to fix, rather than fail every sync later.
    await assertKeyOpensTokens(database, config);
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

async function assertKeyOpensTokens(database: DatabaseHandle, config: Config): Promise<void> {
  const exists = await sql<{ table: string | null }>`SELECT to_regclass('public.credentials')::text AS table`.execute(database.db);
  if (!exists.rows[0]?.table) return;
  const check = await keyOpensStoredTokens(database.db, config.secretKey);
  if (check.ok) return;
  const source = config.secretKeySource !== 'file' ? 'PATRON_SECRET_KEY' : `the key file ${config.dataDir}/secret.key (PATRON_SECRET_KEY is not set)`;
  throw new ConfigError(
    `The secret key does not decrypt the stored Lightspeed tokens (credential ${check.credentialId}): ${source} is not the key they were encrypted with. ` +
      'Set PATRON_SECRET_KEY to the key this database was used with (or restore secret.key from a backup); to change keys, use `patron rotate-key --new-key <hex>` with the current key set. Nothing was changed.',
  );
}
