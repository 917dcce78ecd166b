// PostgreSQL is stopped and started again, twice, in the middle of a backfill and of live trading.
// Patron's connection pool must recover on its own (the runs in flight fail and are retried, as the
// job queue would), and the final copy must be exact, with exact personas and points.
// A small TCP relay keeps one address for Patron while the embedded server gets a new port per start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded-server.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { LiveChanges, seededRandom } from './live-changes.ts';
import { verifyAgainstEmulator } from './verify.ts';

const RESTARTS = 2;
const TIMEOUT_MS = 90_000;

let dataDir: string;
let postgres: EmbeddedServer;
let relay: Server;
let relayPort: number;
let backendPort: number;
const relayed = new Set<Socket>();
let emulator: Emulator;
let store: Store;
let database: DatabaseHandle;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'patron-restart-'));
  postgres = await startEmbeddedPostgres(dataDir);
  backendPort = postgres.port;
  relay = createServer((client) => {
    const server = connect(backendPort, '127.0.0.1');
    relayed.add(client).add(server);
    const drop = () => {
      client.destroy();
      server.destroy();
      relayed.delete(client);
      relayed.delete(server);
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.address() as { port: number }).port;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE patron_restart');
  await admin.end();
  database = openDatabase(`postgres://patron:patron-embedded@127.0.0.1:${relayPort}/patron_restart`, { max: 10 });
  await migrate(database.pool);
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'restart-shop', customers: 1500, sales: 2500, seed: 61, config: { pageSizeMax: 200, salesPageSizeMax: 100 } });
  store.setRateLimit({ enabled: false });
  store.setFaults([{ kind: 'delay', delayMs: 40, probability: 1 }]);
});
after(async () => {
  await database?.close();
  for (const socket of relayed) socket.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await postgres?.stop();
  await emulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test(`PostgreSQL restarted ${RESTARTS} times under load: the pool recovers and the copy is exact`, { timeout: TIMEOUT_MS }, async () => {
  const started = Date.now();
  const connected = await connectStore(database.db, emulator, 'restart-shop');
  const deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  const random = seededRandom(61);
  const changes = new LiveChanges(store, random);
  const trading = setInterval(() => changes.step(), 40);

  // The job queue's part: run, and on a thrown error (the database went away) try again shortly.
  const state = { stop: false, failures: 0, runs: 0, lastError: '' };
  const driver = (async () => {
    for (;;) {
      state.runs++;
      try {
        const result = await runCredentialSync(deps, connected.credentialId, { reason: 'restart-test', maxRunMs: 3000 });
        if (state.stop && result.outcome === 'succeeded' && result.complete) return;
      } catch (error) {
        state.failures++;
        state.lastError = (error as Error).message;
        await sleep(150);
      }
    }
  })();
  const committedPages = async () => {
    try {
      return Number((await sql<{ n: number }>`SELECT coalesce(sum(pages), 0)::int AS n FROM sync_runs`.execute(database.db)).rows[0]!.n);
    } catch {
      return -1;
    }
  };

  for (let restart = 1; restart <= RESTARTS; restart++) {
    const before = await committedPages();
    for (let waited = 0; (await committedPages()) < before + 3 && waited < 30_000; waited += 100) await sleep(100);
    const stopping = Date.now();
    await postgres.stop();
    await sleep(300 + random.int(700));
    postgres = await startEmbeddedPostgres(dataDir);
    backendPort = postgres.port;
    console.log(`# restart ${restart}: database down for ${Date.now() - stopping} ms after ${before} pages; ${state.failures} failed runs so far`);
  }
  clearInterval(trading);
  state.stop = true;
  await Promise.race([driver, sleep(60_000, undefined, { ref: false }).then(() => Promise.reject(new Error(`the sync did not finish after the restarts; last error: ${state.lastError}`)))]);

  // The pool serves queries again without anyone reopening it.
  assert.equal((await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows[0]!.one, 1);
  const verification = await verifyAgainstEmulator(database.db, connected.companyId, [{ credentialId: connected.credentialId, store }]);
  const runs = await database.db.selectFrom('sync_runs').select(['outcome']).execute();
  console.log(
    `# ${RESTARTS} restarts, ${state.runs} runs (${state.failures} failed while the database was away, last: ${state.lastError.slice(0, 120)}), ${changes.total} live changes; ${verification.recordsCompared} records compared, ${verification.mismatches.length} mismatches; ${Date.now() - started} ms`,
  );
  assert.deepEqual(verification.mismatches.slice(0, 20), []);
  assert.equal(verification.duplicates, 0);
  assert.ok(state.failures > 0, 'the restarts really interrupted runs');
  assert.ok(!runs.some((run) => run.outcome === 'running'), 'no run is left marked running');
});
