/**
 * Reads one item ahead of the consumer: while the sync writes page N to the database, page N+1 is
 * already being fetched, parsed and validated. The network and the connector's CPU work then overlap
 * the database's, instead of adding to it.
 *
 * `worthReadingAhead` decides per item whether to fetch the next one before handing it over: a big
 * page (10,000 customers) keeps the database busy for seconds against a fraction of a second to fetch
 * the next, so reading ahead of it would hold two big pages in memory for little gain.
 *
 * Nothing changes about what is written or when a cursor moves: items still reach the consumer one at
 * a time, in order, and a failure to fetch the next page surfaces only after the current one has
 * been handled. When the consumer stops early (its run ran out of time) a page read ahead is
 * dropped, costing at most one request per shortened run, and the source is closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, worthReadingAhead: (item: T) => boolean = () => true): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const current: IteratorResult<T> = await (next ?? iterator.next());
      next = undefined;
      if (current.done) {
        finished = true;
        return;
      }
      if (worthReadingAhead(current.value)) {
        next = iterator.next();
        // A read-ahead that fails after the consumer stopped must not become an unhandled rejection.
        next.catch(() => undefined);
      }
      yield current.value;
    }
  } finally {
    if (!finished) {
      // Let a request in flight settle before closing the source (a generator cannot be closed while
      // it is running).
      await next?.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
