import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { listMigrations, migrate } from '../../src/db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';

/**
 * Each test file gets its own database, copied from a migrated template, so files run in parallel
 * and leave nothing behind. The server is TEST_DATABASE_URL: the machine's PostgreSQL in CI, or the
 * embedded server that `test/run-tests.ts` starts when none is given.
 */
export type TestDatabase = DatabaseHandle & { url: string; name: string; drop(): Promise<void> };

export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TEST_DATABASE_URL is not set: run tests with `npm test`, which provides a database, or point it at a PostgreSQL server.');
  }
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The template's name changes whenever a migration does, so a stale template is never reused. */
function templateName(): string {
  const digest = createHash('sha256');
  for (const migration of listMigrations()) digest.update(migration.name).update(migration.sql);
  return `patron_tpl_${digest.digest('hex').slice(0, 12)}`;
}

async function ensureTemplate(admin: pg.Client, serverUrl: string): Promise<string> {
  const template = templateName();
  // Serialises the test files that start together; the first builds the template, the rest reuse it.
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      const handle = openDatabase(withDatabase(serverUrl, building), { max: 1 });
      try {
        await migrate(handle.pool);
      } finally {
        await handle.close();
      }
      // Renamed only once complete, so an interrupted build is never mistaken for a template. The
      // server may take a moment to notice that the migration connections have closed.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
          await sleep(100);
        }
      }
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
  }
  return template;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `patron_test_${randomBytes(6).toString('hex')}`;
  try {
    const template = await ensureTemplate(admin, serverUrl);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const handle = openDatabase(url, { max: 10 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
