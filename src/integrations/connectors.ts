import type { Config } from '../config.ts';
import type { PosConnector } from './connector.ts';
import { createLightspeedXConnector } from './lightspeed-x/connector.ts';

/** The live connectors, keyed by catalog id, configured for this process. */
export type Connectors = Record<string, PosConnector>;

export function createConnectors(config: Pick<Config, 'lightspeedBaseUrl'>): Connectors {
  return { 'lightspeed-x': createLightspeedXConnector(config.lightspeedBaseUrl) };
}
