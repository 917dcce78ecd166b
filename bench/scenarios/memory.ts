import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { figure } from '../lib/stats.ts';
import { backfillStore, BACKFILL_STORE, keepSynced } from '../lib/sync-setup.ts';
import type { Scenario } from '../lib/types.ts';
import { repoRoot, waitFor } from '../../test/sync/sync-harness.ts';

const NAME = 'memory';

/**
 * The environment settings and node arguments of `npm run worker` ("NAME=value … node <arguments>"),
 * so the process measured is exactly the one production runs.
 */
function workerCommand(): { env: Record<string, string>; args: string[] } {
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.worker ?? '').trim().split(/\s+/);
  const env: Record<string, string> = {};
  let word: string | undefined;
  while ((word = words.shift()) !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(word)) {
    const at = word.indexOf('=');
    env[word.slice(0, at)] = word.slice(at + 1);
  }
  if (word !== 'node' || words.length === 0) throw new Error(`package.json's "worker" script should be "[NAME=value …] node <arguments>", not "${scripts.worker}"`);
  return { env, args: words };
}

/** kB figures of /proc/<pid>/status, in MB. */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * A real `patron worker` process, started with the arguments of `npm run worker` (what production
 * runs), backfills the scale's store on its own: the connection is saved, its scheduler finds the
 * never-synced credential and the job queue runs the sync, with its continuation jobs every 2 minutes.
 * Peak RSS is the kernel's high-water mark (VmHWM). One run per invocation: it is a whole extra backfill,
 * so the synced company it leaves is kept for the incremental scenario (which then needs no backfill
 * of its own: at the large scale each one takes the better part of an hour).
 */
export const memory: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    backfillStore(context);
    const database = await createTestDatabase();
    const secretKey = randomBytes(32);
    const connected = await connectStore(database.db, context.emulator, BACKFILL_STORE, { secretKey });
    let finished = false;
    const dataDir = mkdtempSync(join(tmpdir(), 'patron-bench-worker-'));
    const worker = workerCommand();
    const child = spawn(process.execPath, worker.args, {
      cwd: repoRoot,
      env: {
        ...worker.env,
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: database.url,
        PATRON_SECRET_KEY: secretKey.toString('hex'),
        LIGHTSPEED_BASE_URL: context.emulator.baseUrlTemplate,
        LOG_LEVEL: 'warn',
        PATRON_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pid = child.pid!;
    let peakSampled = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling && child.exitCode === null) {
        try {
          peakSampled = Math.max(peakSampled, statusMb(pid, 'VmRSS'));
        } catch {
          break;
        }
        await sleep(250);
      }
    })();
    const startedAt = performance.now();
    let high = NaN;
    try {
      await waitFor(
        'the worker to finish the backfill',
        async () => {
          if (child.exitCode !== null) throw new Error(`the worker exited: ${errors}`);
          const done = await database.db
            .selectFrom('sync_runs')
            .select('id')
            .where('credential_id', '=', connected.credentialId)
            .where('outcome', '=', 'succeeded')
            .where('complete', '=', true)
            .executeTakeFirst();
          return done !== undefined;
        },
        // Generous: at the large scale the backfill itself takes most of an hour.
        Math.max(600_000, (context.spec.customers / 100_000) * 1_200_000),
        500,
      );
      high = statusMb(pid, 'VmHWM');
      finished = true;
    } finally {
      sampling = false;
      await sampler;
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      if (finished) {
        await keepSynced(context, { database, companyId: connected.companyId, credentialId: connected.credentialId, connectors: connected.connectors, secretKey, domainPrefix: BACKFILL_STORE });
      } else {
        await database.drop();
      }
    }
    const seconds = (performance.now() - startedAt) / 1000;
    context.log(`worker backfill: ${seconds.toFixed(1)} s, VmHWM ${high.toFixed(0)} MB, sampled RSS peak ${peakSampled.toFixed(0)} MB`);
    const size = `${context.spec.customers.toLocaleString('en-US')} customers / ${context.spec.sales.toLocaleString('en-US')} sales`;
    return [
      figure(NAME, `peak RSS (VmHWM) of a worker process during the backfill (${size})`, 'MB', [high], { target: { op: '<', value: 300, text: '< 300 MB' }, note: 'one run' }),
      figure(NAME, 'backfill time through the worker (scheduler pick-up, job queue, 2-minute continuations)', 's', [seconds], { note: 'one run' }),
    ];
  },
};
