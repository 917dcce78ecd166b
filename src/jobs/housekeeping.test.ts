import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { createLogger } from '../logger.ts';
import { startJobQueue, type PgBoss } from './job-queue.ts';
import { HOUSEKEEPING_QUEUE, registerHousekeeping } from './housekeeping.ts';
import { createCompanyWithAdmin } from '../accounts/accounts.ts';
import { createSession } from '../accounts/sessions.ts';

let database: TestDatabase;
let boss: PgBoss;
before(async () => {
  database = await createTestDatabase();
  boss = await startJobQueue(database.url, createLogger('silent'), { schedule: true });
});
after(async () => {
  await boss.stop({ graceful: false, wait: true });
  await database.drop();
});

test('the housekeeping job runs through the pg-boss queue and removes expired sessions', async () => {
  const { companyId, user } = await createCompanyWithAdmin(database.db, {
    companyName: 'Acme',
    name: 'Ann',
    email: 'ann@acme.test',
    password: 'long password 1',
  });
  await createSession(database.db, user.id, companyId);
  const expired = await createSession(database.db, user.id, companyId);
  await database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('expires_at', '=', expired.expiresAt).execute();

  await registerHousekeeping(boss, database.db, createLogger('silent'));
  const schedules = await boss.getSchedules();
  assert.ok(schedules.some((schedule) => schedule.name === HOUSEKEEPING_QUEUE), 'scheduled as a cron job');

  const jobId = await boss.send(HOUSEKEEPING_QUEUE, {});
  assert.ok(jobId);
  let job = await boss.getJobById<object>(HOUSEKEEPING_QUEUE, jobId);
  for (let waited = 0; waited < 30_000 && job?.state !== 'completed'; waited += 200) {
    await sleep(200);
    job = await boss.getJobById<object>(HOUSEKEEPING_QUEUE, jobId);
  }
  assert.equal(job?.state, 'completed');
  assert.deepEqual(job?.output, { expiredSessions: 1, prunedSyncRuns: 0, favoriteStoreJobsQueued: 0 });
  const left = await database.db.selectFrom('sessions').select('expires_at').execute();
  assert.equal(left.length, 1);
  assert.ok(left[0]!.expires_at > new Date());
});
