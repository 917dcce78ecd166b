import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { createLogger } from '../logger.ts';
import { PATRON_QUEUES, startJobQueue, type PgBoss } from './job-queue.ts';

let database: TestDatabase;
const started: PgBoss[] = [];
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  for (const boss of started) await boss.stop({ graceful: false, wait: true });
  await database.drop();
});

test('processes starting together on a fresh database each find every queue ready to take jobs', async () => {
  // A web process and two workers, as in production: the queues are created once, by whichever comes first.
  const starts = await Promise.allSettled([false, true, true].map((schedule) => startJobQueue(database.url, createLogger('silent'), { schedule })));
  const bosses = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  started.push(...bosses);
  for (const start of starts) if (start.status === 'rejected') throw start.reason;

  for (const boss of bosses) {
    const queues = new Map((await boss.getQueues()).map((queue) => [queue.name, queue]));
    for (const wanted of PATRON_QUEUES) {
      const queue = queues.get(wanted.name);
      assert.ok(queue, `queue ${wanted.name} exists`);
      assert.equal(queue.policy, wanted.policy, `queue ${wanted.name} has its policy`);
      assert.equal(queue.retryLimit, wanted.retryLimit, `queue ${wanted.name} has its retry limit`);
    }
  }
  // pg-boss drops a job sent to a missing queue without an error (send returns null): every
  // queue must take a job from any process straight away, with no create-before-send.
  for (const [index, queue] of PATRON_QUEUES.entries()) {
    const boss = bosses[index % bosses.length]!;
    const id = await boss.send(queue.name, {}, { singletonKey: `probe-${index}` });
    assert.ok(id, `a job sent to ${queue.name} was queued`);
  }
});
