// A real `patron worker` process is killed with SIGKILL at random moments of a backfill, again and
// again, and restarted: the sync must finish as an exact mirror with no duplicate rows. The emulator
// runs here (it is in memory); the worker reaches it over HTTP, as it would reach Lightspeed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { duplicateRows, overlappingRuns, startWorkerProcess, waitFor, type WorkerProcess } from './sync-harness.ts';

const KILLS = 5;

let emulator: Emulator;
let store: Store;
let database: TestDatabase;
let credentialId: string;
let secretKeyHex: string;
const workers: WorkerProcess[] = [];

before(async () => {
  emulator = await startEmulator();
  // Small pages and a delay on every request, so the backfill spans many pages and several seconds.
  store = emulator.createStore({ domainPrefix: 'crash-shop', customers: 3000, sales: 3000, seed: 77, config: { pageSizeMax: 200, salesPageSizeMax: 100 } });
  store.setRateLimit({ enabled: false });
  store.setFaults([{ kind: 'delay', delayMs: 120, probability: 1 }]);
  database = await createTestDatabase();
  const connected = await connectStore(database.db, emulator, 'crash-shop');
  credentialId = connected.credentialId;
  secretKeyHex = connected.secretKey.toString('hex');
});
after(async () => {
  for (const worker of workers) await worker.kill();
  await database.drop();
  await emulator.close();
});

const committedPages = async () =>
  Number((await sql<{ n: number }>`SELECT coalesce(sum(pages), 0)::int AS n FROM sync_runs WHERE credential_id = ${credentialId}`.execute(database.db)).rows[0]!.n);
const backfillDone = async () => {
  const latest = await database.db.selectFrom('sync_runs').select(['outcome', 'complete']).where('credential_id', '=', credentialId).orderBy('started_at', 'desc').executeTakeFirst();
  return latest?.outcome === 'succeeded' && latest.complete === true;
};

test(`the backfill survives ${KILLS} kill -9 of its worker and ends an exact mirror`, async () => {
  const started = Date.now();
  const spawnWorker = () => {
    const worker = startWorkerProcess({ databaseUrl: database.url, secretKeyHex, lightspeedBaseUrl: emulator.baseUrlTemplate });
    workers.push(worker);
    return worker;
  };
  let kills = 0;
  for (let round = 0; round < KILLS; round++) {
    const worker = spawnWorker();
    const before = await committedPages();
    // Let this worker commit at least one page, then kill it at a random moment of what follows.
    await waitFor(`progress of worker ${round + 1}`, async () => (await committedPages()) > before || (await backfillDone()), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; worker output:\n${worker.output()}`);
    });
    await sleep(Math.floor(Math.random() * 700));
    if (await backfillDone()) break;
    await worker.kill('SIGKILL');
    kills++;
    console.log(`kill ${kills}: after ${await committedPages()} pages committed (${Date.now() - started} ms)`);
  }
  assert.equal(kills, KILLS, 'every kill landed during the backfill');

  const last = spawnWorker();
  await waitFor('the backfill to finish', backfillDone, 60_000, 200);
  const { differences, compared } = await mirrorDifferences(database.db, credentialId, store);
  console.log(`backfill finished after ${kills} kills in ${Date.now() - started} ms; ${compared} records compared`);
  assert.deepEqual(differences.slice(0, 10), [], `${differences.length} differences`);
  assert.equal(await duplicateRows(database.db), 0);
  assert.deepEqual(await overlappingRuns(database.db), []);
  const interrupted = await database.db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).where('outcome', '=', 'interrupted').execute();
  assert.ok(interrupted.length >= kills, `${interrupted.length} runs marked interrupted`);
  assert.doesNotMatch(last.output(), /"level":(50|60)/, 'the surviving worker logged no errors');
});
