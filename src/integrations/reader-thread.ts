import type { Worker } from 'node:worker_threads';
import { startBundledWorker } from '../bundled-worker.ts';
import type { PosConnector, SourcePage } from './connector.ts';
import type { ConnectorSettings } from './connectors.ts';
import { deserializeError, type FromReaderThread, type ReadRequest, type ToReaderThread } from './reader-thread-protocol.ts';

/**
 * A sync's reading (HTTP, JSON parsing, validation, normalization) runs in a worker thread of its
 * own, one per process, shared by every sync the process runs. The thread the sync's transactions
 * run on then only writes: measured on two cores, each unit's hooks waited less for the event loop,
 * and sales synced faster (docs/performance.md, change 26).
 *
 * The thread builds its connectors from `ConnectorSettings` (plain data: they cross the thread by
 * structured clone) and reads one page per pull, so the sync's read-ahead (page-groups.ts) still
 * decides how much is held in memory. Requests are reported as they are made, before the page they
 * fetched; failures arrive in order after the pages read before them, a ConnectorError as a
 * ConnectorError of the same kind. If the thread dies, the open reads fail (the job is retried) and
 * the next read starts a new thread.
 */

/** A connector whose sync readers read in the reader thread; everything else runs where it was called. */
export function readingInThread(connector: PosConnector, settings: ConnectorSettings): PosConnector {
  // Only these fields go to the thread, whatever else the caller's settings object holds (a Config
  // holds the secret key).
  const sent: ConnectorSettings = { lightspeedBaseUrl: settings.lightspeedBaseUrl };
  return {
    ...connector,
    createReader({ onRequest, ...credential }) {
      return {
        // The connector's own reader knows its resources; its pages are read in the thread instead.
        resources: connector.createReader(credential).resources,
        pages: (resource, after) => readerThread.pages({ settings: sent, provider: connector.provider, ...credential, resource, after }, onRequest),
      };
    },
  };
}

type Waiting = { resolve: (page: SourcePage | undefined) => void; reject: (error: Error) => void };
type Stream = { onRequest: (() => void) | undefined; waiting: Waiting | undefined; closed: (() => void) | undefined };

class ReaderThread {
  private worker: Worker | undefined;
  private readonly streams = new Map<number, Stream>();
  private nextStream = 1;

  async *pages(request: ReadRequest, onRequest: (() => void) | undefined): AsyncGenerator<SourcePage> {
    const id = this.nextStream++;
    const stream: Stream = { onRequest, waiting: undefined, closed: undefined };
    const worker = this.open(id, stream, request);
    try {
      for (;;) {
        const page = await new Promise<SourcePage | undefined>((resolve, reject) => {
          stream.waiting = { resolve, reject };
          worker.postMessage({ type: 'pull', stream: id } satisfies ToReaderThread);
        });
        if (!page) break;
        yield page;
      }
    } finally {
      // The thread drops the stream and reports every request it made before this returns, so a run's
      // request count is whole even when it stops early.
      if (this.worker === worker && this.streams.has(id)) {
        await new Promise<void>((resolve) => {
          stream.closed = resolve;
          worker.postMessage({ type: 'close', stream: id } satisfies ToReaderThread);
        });
      }
    }
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
  }

  private open(id: number, stream: Stream, request: ReadRequest): Worker {
    const worker = (this.worker ??= this.start());
    this.streams.set(id, stream);
    worker.ref();
    worker.postMessage({ type: 'open', stream: id, ...request } satisfies ToReaderThread);
    return worker;
  }

  private start(): Worker {
    const worker = startBundledWorker(new URL('./reader-thread-entry.ts', import.meta.url), { name: 'patron-reader' });
    worker.on('message', (message: FromReaderThread) => this.receive(message));
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const error = new Error(`the reader thread stopped (${reason}); the sync is retried`);
      for (const stream of this.streams.values()) {
        stream.waiting?.reject(error);
        stream.closed?.();
      }
      this.streams.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    return worker;
  }

  private receive(message: FromReaderThread): void {
    const stream = this.streams.get(message.stream);
    if (!stream) return;
    if (message.type === 'request') {
      stream.onRequest?.();
      return;
    }
    if (message.type === 'closed') {
      this.streams.delete(message.stream);
      // An idle thread must not keep the process alive.
      if (this.streams.size === 0) this.worker?.unref();
      stream.closed?.();
      return;
    }
    const waiting = stream.waiting;
    stream.waiting = undefined;
    if (message.type === 'page') waiting?.resolve(message.page);
    else if (message.type === 'end') waiting?.resolve(undefined);
    else waiting?.reject(deserializeError(message.error));
  }
}

const readerThread = new ReaderThread();

/** Stops the reader thread: reads in progress fail, and the next read starts a new thread. */
export function stopReaderThread(): Promise<void> {
  return readerThread.stop();
}
