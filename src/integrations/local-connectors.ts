import type { ConnectorSettings, Connectors } from './connectors.ts';
import { createLightspeedXConnector } from './lightspeed-x/connector.ts';

/**
 * Connectors that do everything on the calling thread. The reader thread reads with these; this
 * module is apart from connectors.ts so that the thread's bundle leaves out the main side.
 */
export function createLocalConnectors(settings: ConnectorSettings): Connectors {
  return { 'lightspeed-x': createLightspeedXConnector(settings.lightspeedBaseUrl) };
}
