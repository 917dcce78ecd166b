import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths whose values must never reach a log line: bearer tokens, cookies, passwords and any
 * field named token, wherever it sits in a logged object.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  '*.password',
  '*.token',
  '*.authorization',
  'body.password',
  'body.token',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { app: 'patron' } },
    destination as DestinationStream | undefined,
  );
}

export type { Logger };
