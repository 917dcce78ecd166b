// Two `patron worker` processes on one database sync several stores while syncs of every store are
// requested over and over: no store ever has two runs at once, and every store ends an exact mirror.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { startJobQueue, type PgBoss } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/logger.ts';
import { enqueueSync } from '../../src/sync/sync-queue.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { duplicateRows, overlappingRuns, startWorkerProcess, waitFor, type WorkerProcess } from './sync-harness.ts';

const STORES = ['north-shop', 'south-shop', 'east-shop'];

let emulator: Emulator;
let database: TestDatabase;
let boss: PgBoss;
const stores = new Map<string, Store>();
const credentials = new Map<string, string>();
const secretKey = randomBytes(32);
const workers: WorkerProcess[] = [];

before(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  for (const [index, prefix] of STORES.entries()) {
    const store = emulator.createStore({ domainPrefix: prefix, customers: 600, sales: 900, seed: 100 + index, config: { pageSizeMax: 150, salesPageSizeMax: 100 } });
    store.setRateLimit({ enabled: false });
    store.setFaults([{ kind: 'delay', delayMs: 40, probability: 1 }]);
    stores.set(prefix, store);
    credentials.set(prefix, (await connectStore(database.db, emulator, prefix, { secretKey })).credentialId);
  }
  boss = await startJobQueue(database.url, createLogger('silent'), { schedule: false });
});
after(async () => {
  for (const worker of workers) await worker.kill();
  await boss.stop({ graceful: false, wait: true, close: true });
  await database.drop();
  await emulator.close();
});

async function allMirrored(): Promise<boolean> {
  const running = await database.db.selectFrom('sync_runs').select('id').where('outcome', '=', 'running').execute();
  if (running.length > 0) return false;
  for (const [prefix, credentialId] of credentials) {
    if ((await mirrorDifferences(database.db, credentialId, stores.get(prefix)!)).differences.length > 0) return false;
  }
  return true;
}

test('two worker processes, three stores, syncs requested constantly: never two runs of one store at once, exact mirrors', async () => {
  const started = Date.now();
  for (let i = 0; i < 2; i++) {
    workers.push(startWorkerProcess({ databaseUrl: database.url, secretKeyHex: secretKey.toString('hex'), lightspeedBaseUrl: emulator.baseUrlTemplate, concurrency: 3 }));
  }
  // Keep asking for syncs (as webhooks and clicks would) while the stores change under the sync.
  const deadline = Date.now() + 12_000;
  let changes = 0;
  while (Date.now() < deadline) {
    for (const [prefix, credentialId] of credentials) {
      await enqueueSync(boss, { credentialId, reason: 'manual' });
      const store = stores.get(prefix)!;
      const customer = store.createCustomer({ first_name: 'Busy', last_name: `Shopper ${changes}`, email: `busy${changes}@example.test` });
      store.createSale({ customerId: customer.id });
      changes++;
    }
    await sleep(250);
  }
  for (const credentialId of credentials.values()) await enqueueSync(boss, { credentialId, reason: 'manual' });
  await waitFor('every store mirrored', allMirrored, 45_000, 500);

  const runs = await sql<{ credential_id: string; n: number }>`SELECT credential_id, count(*)::int AS n FROM sync_runs GROUP BY credential_id`.execute(database.db);
  const contended = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'credential-sync' AND data->>'reason' = 'busy-retry'`.execute(database.db);
  console.log(
    `mirrored ${STORES.length} stores with ${changes} live changes in ${Date.now() - started} ms; runs per store ${runs.rows.map((row) => row.n).join('/')}; ${contended.rows[0]!.n} syncs found their store busy and were re-queued`,
  );
  assert.deepEqual(await overlappingRuns(database.db), []);
  assert.equal(await duplicateRows(database.db), 0);
  // The point is contention: a second run of a store was attempted while one was going on (it found
  // the store busy), or runs followed one another. On a slow machine one long run can absorb every
  // change, so either counts.
  assert.ok(contended.rows[0]!.n > 0 || runs.rows.some((row) => row.n >= 2), 'syncs were requested while runs were going on');
  for (const worker of workers) assert.doesNotMatch(worker.output(), /"level":(50|60)/, worker.output().slice(0, 2000));
});
