import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Emulator } from '../../emulator/index.ts';
import type { Db } from '../../src/db/database.ts';
import { startJobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/logger.ts';
import { enqueueSync } from '../../src/sync/sync-queue.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { overlappingRuns, startWorkerProcess, waitFor, type WorkerProcess } from '../sync/sync-harness.ts';
import { LiveChanges, seededRandom } from './live-changes.ts';
import { verifyAgainstEmulator, type Verification } from './verify.ts';

export type CrashCampaignOptions = {
  db: Db;
  databaseUrl: string;
  emulator: Emulator;
  kills: number;
  seed: number;
  customers: number;
  sales: number;
  log?: (line: string) => void;
};

export type CrashCampaignFigures = Verification & {
  seed: number;
  durationMs: number;
  kills: number;
  killsDuringBackfill: number;
  killsDuringIncremental: number;
  /** Kills that landed while a run was marked running (the rest hit a worker between runs). */
  killsMidRun: number;
  interruptedRuns: number;
  liveChanges: number;
  overlappingRuns: number;
};

/**
 * kill -9 of a real `patron worker` process, again and again, at random moments of a backfill and
 * then of incremental syncs of a store that keeps changing; a new worker is started after each kill.
 * At the end a last worker finishes the job and Patron is compared with the emulator's truth.
 * (test/sync/crash-recovery.test.ts is the short version of this, on a backfill only.)
 */
export async function runCrashCampaign(options: CrashCampaignOptions): Promise<CrashCampaignFigures> {
  const { db, emulator } = options;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const random = seededRandom(options.seed);
  const prefix = `crash-${options.seed}`;
  // Small pages and a little latency on every request: a backfill spans many pages and seconds.
  const store = emulator.createStore({ domainPrefix: prefix, customers: options.customers, sales: options.sales, seed: options.seed, config: { pageSizeMax: 200, salesPageSizeMax: 100 } });
  store.setRateLimit({ enabled: false });
  store.setFaults([{ kind: 'delay', delayMs: 60, probability: 1 }], options.seed);
  const connected = await connectStore(db, emulator, prefix);
  const { credentialId } = connected;
  const boss = await startJobQueue(options.databaseUrl, createLogger('silent'), { schedule: false });
  const changes = new LiveChanges(store, random);
  const workers: WorkerProcess[] = [];
  const spawnWorker = () => {
    const worker = startWorkerProcess({ databaseUrl: options.databaseUrl, secretKeyHex: connected.secretKey.toString('hex'), lightspeedBaseUrl: emulator.baseUrlTemplate, concurrency: 2 });
    workers.push(worker);
    return worker;
  };
  const committedPages = async () =>
    Number((await sql<{ n: number }>`SELECT coalesce(sum(pages), 0)::int AS n FROM sync_runs WHERE credential_id = ${credentialId}`.execute(db)).rows[0]!.n);
  const backfillDone = async () =>
    Boolean(await db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).where('outcome', '=', 'succeeded').where('complete', '=', true).executeTakeFirst());
  const runIsActive = async () => Boolean(await db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).where('outcome', '=', 'running').executeTakeFirst());

  const figures = { kills: 0, killsDuringBackfill: 0, killsDuringIncremental: 0, killsMidRun: 0 };
  try {
    await enqueueSync(boss, { credentialId, reason: 'connected' });
    while (figures.kills < options.kills) {
      const worker = spawnWorker();
      if (figures.killsDuringBackfill >= Math.ceil(options.kills / 2) && !(await backfillDone())) {
        // Half the kills are for incremental syncs: let this worker finish the backfill first.
        await waitFor('the backfill to finish', backfillDone, 300_000, 200);
      }
      const backfilling = !(await backfillDone());
      if (backfilling) {
        const before = await committedPages();
        await waitFor('backfill progress', async () => (await committedPages()) > before || (await backfillDone()), 60_000, 50).catch((error: Error) => {
          throw new Error(`${error.message}; worker output:\n${worker.output().slice(-3000)}`);
        });
        await sleep(random.int(1500));
      } else {
        // A burst of trading, a sync request (as a webhook would make), and a kill during that run.
        const since = new Date();
        for (let i = 150 + random.int(250); i > 0; i--) changes.step();
        await enqueueSync(boss, { credentialId, reason: 'webhook' });
        await waitFor('an incremental run to start', async () => Boolean(await db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).where('started_at', '>=', since).executeTakeFirst()), 60_000, 50).catch(
          (error: Error) => {
            throw new Error(`${error.message}; worker output:\n${worker.output().slice(-3000)}`);
          },
        );
        await sleep(random.int(900));
      }
      const midRun = await runIsActive();
      await worker.kill('SIGKILL');
      figures.kills++;
      if (backfilling) figures.killsDuringBackfill++;
      else figures.killsDuringIncremental++;
      if (midRun) figures.killsMidRun++;
      log(`kill ${figures.kills} (${backfilling ? 'backfill' : 'incremental'}${midRun ? ', mid-run' : ', between runs'}): ${await committedPages()} pages committed so far, ${changes.total} live changes, ${Date.now() - started} ms`);
    }

    // The survivor: it recovers the interrupted run and catches up with everything.
    const last = spawnWorker();
    await enqueueSync(boss, { credentialId, reason: 'manual' });
    await waitFor(
      'the last worker to catch up',
      async () => !(await runIsActive()) && (await backfillDone()) && (await mirrorDifferences(db, credentialId, store)).differences.length === 0,
      180_000,
      1000,
    ).catch(async (error: Error) => {
      const differences = (await mirrorDifferences(db, credentialId, store)).differences;
      throw new Error(`${error.message}; ${differences.length} differences, e.g. ${differences.slice(0, 5).join('; ')}; worker output:\n${last.output().slice(-3000)}`);
    });
    if (/"level":(50|60)/.test(last.output())) log(`the last worker logged errors:\n${last.output().slice(0, 3000)}`);
    await last.kill('SIGTERM');
  } finally {
    for (const worker of workers) await worker.kill('SIGKILL');
    await boss.stop({ graceful: false, wait: true, close: true });
  }

  const verification = await verifyAgainstEmulator(db, connected.companyId, [{ credentialId, store }]);
  const overlapping = await overlappingRuns(db);
  if (overlapping.length > 0) verification.mismatches.push(...overlapping);
  const interrupted = await db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).where('outcome', '=', 'interrupted').execute();
  return {
    ...verification,
    ...figures,
    seed: options.seed,
    durationMs: Date.now() - started,
    interruptedRuns: interrupted.length,
    liveChanges: changes.total,
    overlappingRuns: overlapping.length,
  };
}
