import type { PosConnector } from './connector.ts';
import { createLocalConnectors } from './local-connectors.ts';
import { readingInThread } from './reader-thread.ts';

/** The live connectors, keyed by catalog id, configured for this process. */
export type Connectors = Record<string, PosConnector>;

/** What builds this process's connectors: plain data, which the reader thread gets too. */
export type ConnectorSettings = { lightspeedBaseUrl: string };

/** The process's connectors: a sync's pages are read in the reader thread (see reader-thread.ts). */
export function createConnectors(settings: ConnectorSettings): Connectors {
  return Object.fromEntries(Object.entries(createLocalConnectors(settings)).map(([id, connector]) => [id, readingInThread(connector, settings)]));
}
