// The reader thread against the emulator over real HTTP: the pages a sync gets through it are the
// ones the connector reads on the calling thread, requests are counted whole, failures keep their
// kind, and a thread that dies fails the reads in progress without stopping the next ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import type { SourcePage, SourceReader } from './connector.ts';
import { ConnectorError } from './connector-error.ts';
import { createConnectors } from './connectors.ts';
import { createLocalConnectors } from './local-connectors.ts';
import { stopReaderThread } from './reader-thread.ts';

let emulator: Emulator;
let store: Store;

before(async () => {
  emulator = await startEmulator();
  // 1,200 sales are three pages of at most 500.
  store = emulator.createStore({ domainPrefix: 'thread-shop', customers: 150, sales: 1_200, outlets: 2, registers: 2, seed: 5 });
});
after(() => emulator.close());

const settings = () => ({ lightspeedBaseUrl: emulator.baseUrlTemplate });
const readers = () => {
  const counted = { thread: 0, local: 0 };
  const credential = { storeAddress: 'thread-shop', token: store.token };
  return {
    counted,
    thread: createConnectors(settings())['lightspeed-x']!.createReader({ ...credential, onRequest: () => counted.thread++ }),
    local: createLocalConnectors(settings())['lightspeed-x']!.createReader({ ...credential, onRequest: () => counted.local++ }),
  };
};
async function readAll(reader: SourceReader, resource: string): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const page of reader.pages(resource, 0)) pages.push(page);
  return pages;
}
const salesRequests = () => emulator.countRequests({ store: 'thread-shop', path: '/api/2.0/sales' });

test('pages read in the thread are the pages read here, request for request', async () => {
  const { thread, local, counted } = readers();
  assert.deepEqual(thread.resources, local.resources);
  for (const resource of ['customers', 'sales']) {
    const before = { emulator: emulator.countRequests({ store: 'thread-shop' }), thread: counted.thread };
    const threaded = await readAll(thread, resource);
    assert.equal(counted.thread - before.thread, emulator.countRequests({ store: 'thread-shop' }) - before.emulator, `${resource}: every request reported`);
    assert.deepEqual(threaded, await readAll(local, resource), resource);
    assert.equal(counted.thread, counted.local, resource);
  }
  const sales = (await readAll(thread, 'sales')).flatMap((page) => page.items);
  assert.equal(sales.length, 1_200);
  assert.ok(sales.every((item) => item.ok && item.record.kind === 'sale'));
});

test('a consumer that stops early closes its stream: nothing more is read, every request is counted', async () => {
  const { thread, counted } = readers();
  const before = salesRequests();
  for await (const page of thread.pages('sales', 0)) {
    assert.equal(page.items.length, 500);
    break;
  }
  assert.equal(salesRequests() - before, 1, 'one page pulled, one request');
  assert.equal(counted.thread, 1);
  // The thread still serves new streams after the closed one.
  assert.equal((await readAll(thread, 'sales')).length, 3);
});

test('failures arrive after the pages read before them, as ConnectorErrors of the same kind', async () => {
  const cases = [
    { fault: { kind: 'status', status: 503 }, kind: 'transient' },
    { fault: { kind: 'malformed' }, kind: 'transient' },
    { fault: { kind: 'unauthorized' }, kind: 'auth' },
    { fault: { kind: 'rate_limit' }, kind: 'rate_limited' },
  ] as const;
  for (const { fault, kind } of cases) {
    const { thread } = readers();
    const pages: SourcePage[] = [];
    // The second request of the sales fails: the first page still arrives.
    const before = salesRequests();
    let failure: unknown;
    try {
      for await (const page of thread.pages('sales', 0)) {
        pages.push(page);
        if (salesRequests() - before === 1) store.setFaults([{ ...fault, count: 1, path: '/api/2.0/sales' }]);
      }
    } catch (error) {
      failure = error;
    }
    store.clearFaults();
    assert.equal(pages.length, 1, fault.kind);
    assert.ok(failure instanceof ConnectorError, `${fault.kind}: ${String(failure)}`);
    assert.equal(failure.kind, kind);
    assert.equal(failure.name, 'LightspeedError');
    assert.doesNotMatch(failure.message, new RegExp(store.token), 'no token in the message');
    if (kind === 'rate_limited') assert.ok((failure.details.retryAfterMs ?? 0) > 0, 'the time to wait crosses the thread');
  }
});

test('reads in progress when the thread stops fail with a clear error; the next read starts a new thread', async () => {
  const { thread } = readers();
  store.setFaults([{ kind: 'delay', delayMs: 1_000, count: 1, path: '/api/2.0/sales' }]);
  const reading = readAll(thread, 'sales');
  // The thread is warm from the tests before: in 200 ms the delayed request is under way.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await stopReaderThread();
  await assert.rejects(reading, /the reader thread stopped/);
  store.clearFaults();
  assert.equal((await readAll(thread, 'sales')).length, 3);
});

test("the connector keeps no page while it waits for the next pull, so the thread holds no copy of the sync's", async () => {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const reader = createLocalConnectors(settings())['lightspeed-x']!.createReader({ storeAddress: 'thread-shop', token: store.token });
  const pages = reader.pages('sales', 0);
  // Pulled in a function of its own, so that no local of this test holds the page.
  const pullOne = async () => new WeakRef((await pages.next()).value as SourcePage);
  const handed = await pullOne();
  assert.ok(handed.deref()?.items.length, 'a page was handed over');
  // A WeakRef is cleared only after the job that read it: collect once more after a turn.
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    collect();
  }
  assert.equal(handed.deref(), undefined, 'the suspended generator still holds the page it handed over');
  await pages.return(undefined);
});
