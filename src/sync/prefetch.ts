/**
 * Reads one item ahead of the consumer: while the sync writes page N to the database, page N+1 is
 * already being fetched, parsed and validated. The network and the connector's CPU work then overlap
 * the database's, instead of adding to it.
 *
 * Nothing changes about what is written or when a cursor moves: items still reach the consumer one at
 * a time, in order, and a failure to fetch the next page surfaces only after the current one has
 * been handled. When the consumer stops early (its run ran out of time) the page read ahead is
 * dropped, costing at most one request per shortened run, and the source is closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  // A read-ahead that fails after the consumer stopped must not become an unhandled rejection.
  next.catch(() => undefined);
  let finished = false;
  try {
    for (;;) {
      const current = await next;
      if (current.done) {
        finished = true;
        return;
      }
      next = iterator.next();
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    if (!finished) {
      // Let the request in flight settle before closing the source (a generator cannot be closed
      // while it is running).
      await next.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
