/**
 * The reader thread (see reader-thread.ts): serves the pages of every sync of this process, one page
 * per pull, reporting each request as it is made.
 */
import { parentPort } from 'node:worker_threads';
import type { SourcePage } from './connector.ts';
import type { ConnectorSettings, Connectors } from './connectors.ts';
import { createLocalConnectors } from './local-connectors.ts';
import { serializeError, type FromReaderThread, type ToReaderThread } from './reader-thread-protocol.ts';

const port = parentPort!;
const post = (message: FromReaderThread) => port.postMessage(message);

/** One set of connectors per settings (in practice one per process). */
const connectorSets = new Map<string, Connectors>();
function connectorsFor(settings: ConnectorSettings): Connectors {
  const key = JSON.stringify(settings);
  let connectors = connectorSets.get(key);
  if (!connectors) connectorSets.set(key, (connectors = createLocalConnectors(settings)));
  return connectors;
}

/** A stream's pages (or why it has none), and the chain its pulls and close run on, one after the other. */
type StreamState = { pages: AsyncGenerator<SourcePage> | undefined; failure: unknown; queue: Promise<void> };
const streams = new Map<number, StreamState>();

function enqueue(stream: number, step: (state: StreamState) => Promise<void>): void {
  const state = streams.get(stream);
  if (!state) return;
  state.queue = state.queue.then(() => step(state));
}

port.on('message', (message: ToReaderThread) => {
  switch (message.type) {
    case 'open': {
      const { stream, settings, provider, storeAddress, token, resource, after: cursor } = message;
      const connector = connectorsFor(settings)[provider];
      const pages = connector?.createReader({ storeAddress, token, onRequest: () => post({ type: 'request', stream }) }).pages(resource, cursor);
      streams.set(stream, { pages, failure: connector ? undefined : new Error(`no connector for ${provider} in the reader thread`), queue: Promise.resolve() });
      return;
    }
    case 'pull':
      return enqueue(message.stream, async (state) => {
        try {
          if (!state.pages) throw state.failure;
          const next = await state.pages.next();
          post(next.done ? { type: 'end', stream: message.stream } : { type: 'page', stream: message.stream, page: next.value });
        } catch (error) {
          post({ type: 'failed', stream: message.stream, error: serializeError(error) });
        }
      });
    case 'close':
      return enqueue(message.stream, async (state) => {
        await state.pages?.return(undefined).catch(() => undefined);
        streams.delete(message.stream);
        post({ type: 'closed', stream: message.stream });
      });
  }
});
