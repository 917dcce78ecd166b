import { ConnectorError, type ConnectorErrorKind } from './connector-error.ts';
import type { SourcePage } from './connector.ts';
import type { ConnectorSettings } from './connectors.ts';

/**
 * The messages between a process and its reader thread (reader-thread.ts explains the thread), and
 * how a failure crosses it. Both sides import this; the thread's side imports nothing else of the
 * main side, so its bundle stays small.
 */

export type ReadRequest = {
  settings: ConnectorSettings;
  provider: string;
  storeAddress: string;
  token: string;
  resource: string;
  after: number;
};

export type SerializedError = { kind: ConnectorErrorKind; name: string; message: string; details: ConnectorError['details'] } | { kind: null; message: string };

export type ToReaderThread = ({ type: 'open' } & ReadRequest & { stream: number }) | { type: 'pull'; stream: number } | { type: 'close'; stream: number };

export type FromReaderThread =
  | { type: 'request'; stream: number }
  | { type: 'page'; stream: number; page: SourcePage }
  | { type: 'end'; stream: number }
  | { type: 'failed'; stream: number; error: SerializedError }
  | { type: 'closed'; stream: number };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ConnectorError) return { kind: error.kind, name: error.name, message: error.message, details: error.details };
  return { kind: null, message: error instanceof Error ? error.message : String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.kind === null) return new Error(`reading in the reader thread failed: ${error.message}`);
  // Rebuilt as the base class, named as thrown (a LightspeedError), which is what logs show.
  const rebuilt = new ConnectorError(error.kind, error.message, error.details);
  rebuilt.name = error.name;
  return rebuilt;
}
