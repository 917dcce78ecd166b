import type { PosConnector } from './connector.ts';
import { createLightspeedXConnector } from './lightspeed-x/connector.ts';
import { readingInThread } from './reader-thread.ts';

/** The live connectors, keyed by catalog id, configured for this process. */
export type Connectors = Record<string, PosConnector>;

/** What builds this process's connectors: plain data, which the reader thread gets too. */
export type ConnectorSettings = { lightspeedBaseUrl: string };

/** Connectors that do everything on the calling thread; the reader thread reads with these. */
export function createLocalConnectors(settings: ConnectorSettings): Connectors {
  return { 'lightspeed-x': createLightspeedXConnector(settings.lightspeedBaseUrl) };
}

/** The process's connectors: a sync's pages are read in the reader thread (see reader-thread.ts). */
export function createConnectors(settings: ConnectorSettings): Connectors {
  return Object.fromEntries(Object.entries(createLocalConnectors(settings)).map(([id, connector]) => [id, readingInThread(connector, settings)]));
}
