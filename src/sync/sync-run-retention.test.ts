// Sync runs past their retention go; every run the product still reads stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import type { SyncOutcome } from '../db/tables.ts';
import { pruneSyncRuns, SYNC_RUN_RETENTION_DAYS, SYNC_RUNS_KEPT_PER_CREDENTIAL } from './sync-run-retention.ts';
import { getSyncStatus } from './sync-status.ts';

let emulator: Emulator;
let database: TestDatabase;
before(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const DAY = 86_400_000;

type Run = { daysAgo: number; outcome: SyncOutcome; complete?: boolean };

async function connectedWithRuns(prefix: string, runs: Run[]): Promise<{ companyId: string; credentialId: string; ids: string[] }> {
  emulator.createStore({ domainPrefix: prefix, customers: 1, sales: 1, seed: 5 });
  const { companyId, credentialId } = await connectStore(database.db, emulator, prefix);
  const now = Date.now();
  const inserted = await database.db
    .insertInto('sync_runs')
    .values(
      runs.map((run) => ({
        company_id: companyId,
        credential_id: credentialId,
        reason: 'scheduled',
        started_at: new Date(now - run.daysAgo * DAY),
        finished_at: run.outcome === 'running' ? null : new Date(now - run.daysAgo * DAY + 1_000),
        outcome: run.outcome,
        complete: run.complete ?? null,
        error: run.outcome === 'failed' ? 'the store answered 500' : null,
      })),
    )
    .returning('id')
    .execute();
  return { companyId, credentialId, ids: inserted.map((row) => row.id) };
}

const remaining = async (credentialId: string) =>
  new Set((await database.db.selectFrom('sync_runs').select('id').where('credential_id', '=', credentialId).execute()).map((row) => row.id));

test('runs past the retention go, except each credential’s newest, its last success and last complete run, and runs still running', async () => {
  const old = SYNC_RUN_RETENTION_DAYS + 1;
  // Index 0: still marked running, long ago (the scheduler recovers it). 1: the last complete run.
  // 2: the last successful run (not complete). 3–42: old failures. 43–67: 25 recent failures, of
  // which the newest 20 are the status page's list.
  const runs: Run[] = [
    { daysAgo: old + 60, outcome: 'running' },
    { daysAgo: old + 50, outcome: 'succeeded', complete: true },
    { daysAgo: old + 45, outcome: 'succeeded', complete: false },
    ...Array.from({ length: 40 }, (_, i): Run => ({ daysAgo: old + 40 - i, outcome: i % 2 ? 'failed' : 'rate_limited' })),
    ...Array.from({ length: 25 }, (_, i): Run => ({ daysAgo: (25 - i) / 24, outcome: 'failed' })),
  ];
  const busy = await connectedWithRuns('retention-busy', runs);
  // Another store with a few old runs only: all of them are its newest.
  const quiet = await connectedWithRuns('retention-quiet', [
    { daysAgo: old + 10, outcome: 'succeeded', complete: true },
    { daysAgo: old + 5, outcome: 'failed' },
  ]);
  const statusBefore = await getSyncStatus(database.db, busy.companyId, 'lightspeed-x', busy.credentialId);
  assert.equal(statusBefore?.state, 'failing');
  assert.notEqual(statusBefore?.lastSuccessAt, null);

  // A small batch, so that the deletion goes round several times.
  assert.equal(await pruneSyncRuns(database.db, { batch: 7 }), 40);

  const expected = new Set([busy.ids[0], busy.ids[1], busy.ids[2], ...busy.ids.slice(43)]);
  assert.deepEqual(await remaining(busy.credentialId), expected);
  assert.equal(expected.size, 3 + 25);
  assert.deepEqual(await remaining(quiet.credentialId), new Set(quiet.ids));
  assert.ok(SYNC_RUNS_KEPT_PER_CREDENTIAL < 25, 'the recent runs outnumber the list, so the list alone would not have kept them');
  // What the Sync status page shows is unchanged, the backfilled state included.
  assert.deepEqual(await getSyncStatus(database.db, busy.companyId, 'lightspeed-x', busy.credentialId), statusBefore);
  assert.equal(await pruneSyncRuns(database.db), 0, 'a second pass finds nothing');
});

test('a pass out of time stops after its current batch; the next one goes on', async () => {
  const backlog = await connectedWithRuns(
    'retention-backlog',
    Array.from({ length: 45 }, (_, i): Run => ({ daysAgo: SYNC_RUN_RETENTION_DAYS + 45 - i, outcome: 'succeeded', complete: true })),
  );
  assert.equal(await pruneSyncRuns(database.db, { batch: 10, workLimitMs: 0 }), 10);
  assert.equal(await pruneSyncRuns(database.db, { batch: 10 }), 45 - SYNC_RUNS_KEPT_PER_CREDENTIAL - 10);
  assert.equal((await remaining(backlog.credentialId)).size, SYNC_RUNS_KEPT_PER_CREDENTIAL);
});

test('runs within the retention stay, however many there are', async () => {
  const recent = await connectedWithRuns(
    'retention-recent',
    Array.from({ length: 60 }, (_, i): Run => ({ daysAgo: (SYNC_RUN_RETENTION_DAYS - 1) * (i / 60), outcome: 'succeeded', complete: true })),
  );
  assert.equal(await pruneSyncRuns(database.db), 0);
  assert.equal((await remaining(recent.credentialId)).size, 60);
});
