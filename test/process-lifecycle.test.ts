// `npm start` as a newcomer runs it: no DATABASE_URL, so Patron starts its own embedded PostgreSQL.
// Checks start-up, a clean Ctrl-C, data surviving a restart, and recovery after kill -9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../src/db/embedded-server.ts';
import { HttpSession } from './helpers/http-session.ts';

type Running = { child: ChildProcess; url: string; startMs: number; output: () => string };

async function startPatron(dataDir: string): Promise<Running> {
  const port = await findFreePort();
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PATRON_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Patron exited during start-up:\n${output}`);
    if (Date.now() - started > 30_000) throw new Error(`Patron did not answer within 30 s:\n${output}`);
    try {
      if ((await fetch(url + '/readyz')).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { child, url, startMs: Date.now() - started, output: () => output };
}

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

test('npm start on an embedded PostgreSQL: serves the app, stops cleanly, keeps its data, survives kill -9', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'patron-start-'));
  try {
    const first = await startPatron(dataDir);
    console.log(`# first start (initdb + migrate + listen): ${first.startMs} ms`);
    const page = await fetch(first.url + '/signup');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const account = await new HttpSession(first.url).signUp({ companyName: 'Persisted Co' });
    const pid = postmasterPid(dataDir);
    assert.ok(pid && isAlive(pid), 'the embedded server is running');

    first.child.kill('SIGINT');
    assert.equal(await exitOf(first.child), 0, first.output());
    assert.ok(!isAlive(pid), 'Ctrl-C leaves no PostgreSQL process behind');

    const second = await startPatron(dataDir);
    console.log(`# restart on existing data: ${second.startMs} ms`);
    const session = new HttpSession(second.url);
    const signIn = await session.post('/api/auth/sign-in', { email: account.email, password: account.password });
    assert.equal(signIn.status, 200, 'the account from the first run is still there');
    assert.equal((await session.get('/api/auth/me')).json.company.name, 'Persisted Co');

    // A crash: Node dies at once and its PostgreSQL is orphaned, still holding the data dir.
    const orphan = postmasterPid(dataDir)!;
    second.child.kill('SIGKILL');
    await exitOf(second.child);
    assert.ok(isAlive(orphan), 'the orphaned server is still running after kill -9');

    const third = await startPatron(dataDir);
    assert.ok(!isAlive(orphan), 'the next start stopped the orphan');
    const afterCrash = await new HttpSession(third.url).post('/api/auth/sign-in', { email: account.email, password: account.password });
    assert.equal(afterCrash.status, 200, 'data survived the crash');
    const thirdPid = postmasterPid(dataDir)!;
    third.child.kill('SIGTERM');
    assert.equal(await exitOf(third.child), 0);
    assert.ok(!isAlive(thirdPid));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
