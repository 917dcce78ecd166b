import { ConnectorError } from '../connector-error.ts';

/** A failure of a Lightspeed API call, classified for the caller (see ConnectorError). */
export class LightspeedError extends ConnectorError {
  override name = 'LightspeedError';
}
