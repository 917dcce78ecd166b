// Reading ahead and grouping pages: order kept, groups capped, big pages alone and not read past,
// failures surfacing after the pages read before them, early stops closing the source. Then the
// quarantine rule inside a group.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PageItem, SourcePage } from '../integrations/connector.ts';
import { groupPages, splitGroup } from './page-groups.ts';

type Page = { items: number[]; cursor: number };
const page = (cursor: number, size: number): Page => ({ items: Array.from({ length: size }, (_, i) => cursor * 10_000 + i), cursor });

/** A source that records what it was asked for, with a delay per page, and can fail at one page. */
function source(pages: Page[], options: { delayMs?: number; failAt?: number } = {}) {
  const log = { fetched: [] as number[], closed: false };
  async function* generate(): AsyncGenerator<Page> {
    try {
      for (const [index, next] of pages.entries()) {
        await sleep(options.delayMs ?? 0);
        if (index === options.failAt) throw new Error(`page ${index} failed`);
        log.fetched.push(next.cursor);
        yield next;
      }
    } finally {
      log.closed = true;
    }
  }
  return { pages: generate(), log };
}

const cursors = (groups: Page[][]) => groups.map((group) => group.map((p) => p.cursor));

describe('groupPages', () => {
  test('pages waiting when a write ends are handed over together, in order, up to the cap', async () => {
    const { pages } = source([page(1, 500), page(2, 500), page(3, 500), page(4, 500), page(5, 500), page(6, 300)]);
    const groups: Page[][] = [];
    for await (const group of groupPages(pages, 2_000)) {
      groups.push(group);
      await sleep(30); // a slow write: everything the reader can buffer is ready by now
    }
    assert.deepEqual(cursors(groups), [[1], [2, 3, 4, 5], [6]]);
  });

  test('when pages come slower than they are written, each is handed over alone as soon as it arrives', async () => {
    const { pages } = source([page(1, 500), page(2, 500), page(3, 10)], { delayMs: 20 });
    const groups: Page[][] = [];
    for await (const group of groupPages(pages, 2_000)) groups.push(group);
    assert.deepEqual(cursors(groups), [[1], [2], [3]]);
  });

  test('a page bigger than the cap comes alone, and nothing is read while it is being written', async () => {
    const { pages, log } = source([page(1, 10_000), page(2, 10_000), page(3, 0)]);
    const groups: Page[][] = [];
    for await (const group of groupPages(pages, 2_000)) {
      groups.push(group);
      await sleep(20);
      // While the consumer holds a big page, the reader has not fetched past it.
      assert.equal(log.fetched.at(-1), group[0]!.cursor);
    }
    assert.deepEqual(cursors(groups), [[1], [2], [3]]);
  });

  test('a failure to read surfaces only after the pages read before it', async () => {
    const { pages } = source([page(1, 100), page(2, 100), page(3, 100)], { failAt: 2 });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const group of groupPages(pages, 2_000)) {
        seen.push(...group.map((p) => p.cursor));
        await sleep(10);
      }
    }, /page 2 failed/);
    assert.deepEqual(seen, [1, 2]);
  });

  test('stopping early closes the source and reads no further than the buffer', async () => {
    const { pages, log } = source(Array.from({ length: 50 }, (_, i) => page(i + 1, 500)));
    for await (const group of groupPages(pages, 2_000)) {
      assert.deepEqual(group.map((p) => p.cursor), [1]);
      await sleep(20);
      break;
    }
    assert.equal(log.closed, true);
    // The first page, then at most 2,000 records read ahead.
    assert.ok(log.fetched.length <= 5, `fetched ${log.fetched.length} pages`);
  });
});

describe('splitGroup', () => {
  const customer = (externalId: string) =>
    ({ ok: true, record: { kind: 'customer', externalId, version: 1 } }) as unknown as PageItem;
  const broken = (externalId: string) => ({ ok: false, externalId, error: 'email: expected a string', payload: {} }) as PageItem;
  const pages = (...items: PageItem[][]): SourcePage[] => items.map((pageItems, index) => ({ items: pageItems, cursor: index + 1 }));

  test('a record broken on one page and fine on a later page of the group is written, not quarantined', () => {
    const { records, rejected } = splitGroup(pages([broken('a'), customer('b')], [customer('a')]), undefined);
    assert.deepEqual(records.map((record) => record.externalId), ['b', 'a']);
    assert.deepEqual(rejected, []);
  });

  test('a record fine on one page and broken on a later page stays quarantined, as page by page', () => {
    const { records, rejected } = splitGroup(pages([customer('a')], [broken('a')]), undefined);
    assert.deepEqual(records.map((record) => record.externalId), ['a']);
    assert.deepEqual(rejected.map((item) => item.externalId), ['a']);
    assert.equal('page' in rejected[0]!, false);
  });
});
