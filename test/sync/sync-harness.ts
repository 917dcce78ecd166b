import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A `patron worker` process, as production runs it, that a test can kill -9 at will. */
export type WorkerProcess = { child: ChildProcess; output: () => string; kill(signal?: NodeJS.Signals): Promise<void> };

export function startWorkerProcess(env: { databaseUrl: string; secretKeyHex: string; lightspeedBaseUrl: string; concurrency?: number; logLevel?: string }): WorkerProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'patron-worker-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: env.databaseUrl,
      PATRON_SECRET_KEY: env.secretKeyHex,
      LIGHTSPEED_BASE_URL: env.lightspeedBaseUrl,
      LOG_LEVEL: env.logLevel ?? process.env.WORKER_LOG_LEVEL ?? 'warn',
      PATRON_DATA_DIR: dataDir,
      PATRON_WORKER_CONCURRENCY: String(env.concurrency ?? 4),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rows that exist twice for one (credential, external id), in any synced table; should always be 0. */
export async function duplicateRows(db: Db): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT (SELECT count(*) FROM (SELECT 1 FROM source_customers GROUP BY credential_id, external_id HAVING count(*) > 1) a)
         + (SELECT count(*) FROM (SELECT 1 FROM sales GROUP BY credential_id, external_id HAVING count(*) > 1) b)
         + (SELECT count(*) FROM (SELECT 1 FROM sale_lines GROUP BY sale_id, position HAVING count(*) > 1) c)
         + (SELECT count(*) FROM (SELECT 1 FROM source_locations GROUP BY credential_id, external_id HAVING count(*) > 1) d) AS n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Pairs of runs of one credential whose [started, finished] intervals overlap; should always be empty. */
export async function overlappingRuns(db: Db): Promise<string[]> {
  const result = await sql<{ a: string; b: string; credential_id: string }>`
    SELECT a.id AS a, b.id AS b, a.credential_id
    FROM sync_runs a JOIN sync_runs b ON a.credential_id = b.credential_id AND a.id < b.id
    WHERE tstzrange(a.started_at, coalesce(a.finished_at, 'infinity'), '[)') && tstzrange(b.started_at, coalesce(b.finished_at, 'infinity'), '[)')`.execute(db);
  return result.rows.map((row) => `${row.credential_id}: ${row.a} overlaps ${row.b}`);
}
