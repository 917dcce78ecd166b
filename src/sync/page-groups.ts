import type { PageItem, SourcePage } from '../integrations/connector.ts';
import type { SourceRecord } from './source-records.ts';

/**
 * Reads pages ahead of the consumer and hands them over in groups of up to `maxRecords` records.
 *
 * While the sync writes one group, the next pages are fetched, parsed and validated, so the network
 * and the connector's CPU work overlap the database's. When the database is the slower side (a
 * backfill of sales, whose pages hold at most 500), several pages are waiting by the time a write
 * ends, and they are written together: one transaction, and one statement per table, for 2,000
 * sales instead of 500. When pages come slower than they are written (an incremental run, a
 * webhook), each is handed over as soon as it arrives, alone.
 *
 * A page bigger than `maxRecords` (10,000 customers) is handed over alone, and nothing is read ahead
 * while it is being written: it keeps the database busy for seconds against a fraction of a second to
 * fetch the next, so reading ahead would hold two big pages in memory for little gain.
 *
 * Order is kept, and a failure to read surfaces only after every page read before it has been
 * handed over. When the consumer stops early (its run ran out of time), pages read ahead are dropped
 * (at most `maxRecords` records' worth of requests per shortened run) and the source is closed.
 */
export async function* groupPages<P extends { items: unknown[] }>(source: AsyncIterable<P>, maxRecords: number): AsyncGenerator<P[]> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: P[] = [];
  let bufferedRecords = 0;
  let holdingBigPage = false;
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const wake = (which: 'consumer' | 'reader') => {
    const resume = which === 'consumer' ? wakeConsumer : wakeReader;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeReader = undefined;
    resume?.();
  };

  const reading = (async () => {
    try {
      for (;;) {
        while (!stopped && (bufferedRecords >= maxRecords || holdingBigPage)) await new Promise<void>((resume) => (wakeReader = resume));
        if (stopped) return;
        const next = await iterator.next();
        if (next.done) return;
        buffered.push(next.value);
        bufferedRecords += next.value.items.length;
        wake('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake('consumer');
    }
  })();

  try {
    for (;;) {
      holdingBigPage = false;
      wake('reader');
      while (buffered.length === 0 && !finished) await new Promise<void>((resume) => (wakeConsumer = resume));
      if (buffered.length === 0) {
        if (failure) throw failure.error;
        return;
      }
      const group = [buffered.shift()!];
      let records = group[0]!.items.length;
      while (buffered.length > 0 && records + buffered[0]!.items.length <= maxRecords) {
        records += buffered[0]!.items.length;
        group.push(buffered.shift()!);
      }
      bufferedRecords -= records;
      holdingBigPage = records > maxRecords;
      wake('reader');
      yield group;
    }
  } finally {
    stopped = true;
    wake('reader');
    // A generator cannot be closed while a read is in flight: let it settle first.
    await reading;
    await iterator.return?.();
  }
}

/**
 * Valid records to write, and records to quarantine, of a group of pages read in order (sales before
 * the history start are skipped). A record that failed to read on one page but reads fine on a later
 * page of the group is not quarantined: page by page, the later page would have healed it.
 */
export function splitGroup(pages: SourcePage[], historyStart: number | undefined): { records: SourceRecord[]; rejected: Array<Extract<PageItem, { ok: false }>> } {
  const records: SourceRecord[] = [];
  const rejected: Array<Extract<PageItem, { ok: false }> & { page: number }> = [];
  const lastReadOn = new Map<string, number>();
  for (const [page, { items }] of pages.entries()) {
    for (const item of items) {
      if (!item.ok) {
        rejected.push({ ...item, page });
        continue;
      }
      lastReadOn.set(item.record.externalId, page);
      const record = item.record;
      if (historyStart !== undefined && record.kind === 'sale' && record.saleDate && Date.parse(record.saleDate) < historyStart) continue;
      records.push(record);
    }
  }
  return { records, rejected: rejected.filter((item) => item.page >= (lastReadOn.get(item.externalId) ?? -1)).map(({ page: _page, ...item }) => item) };
}
