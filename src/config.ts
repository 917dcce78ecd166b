import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Everything Patron reads from the environment, validated once at start.
 * A bad value stops the process with a message naming the variable and what to put there.
 */
const EnvSchema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT must be a number, e.g. 3000' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL, e.g. postgres://user@host:5432/patron')
    .optional(),
  PATRON_DATA_DIR: z.string().min(1, 'PATRON_DATA_DIR must be a directory path').default('./data'),
  PATRON_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'PATRON_SECRET_KEY must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`')
    .optional(),
  LIGHTSPEED_BASE_URL: z
    .string()
    .refine((value) => value.includes('{domain_prefix}'), 'LIGHTSPEED_BASE_URL must contain {domain_prefix}')
    .refine((value) => /^https?:\/\//.test(value), 'LIGHTSPEED_BASE_URL must start with http:// or https://')
    .default('https://{domain_prefix}.retail.lightspeed.app'),
  PUBLIC_URL: z.url({ error: 'PUBLIC_URL must be an absolute URL, e.g. https://patron.example.com' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PATRON_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type Config = {
  port: number;
  host: string;
  /** Absent when Patron should run its own embedded PostgreSQL. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** 32-byte key for AES-256-GCM; from PATRON_SECRET_KEY or the data dir's generated key file. */
  secretKey: Buffer;
  /** Where the key came from: `rotate-key` rewrites the key file, but can only advise on the variable. */
  secretKeySource?: 'env' | 'file';
  lightspeedBaseUrl: string;
  publicUrl: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  workerConcurrency: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError listing every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how shells "unset" a variable in .env files; treat them as absent.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  const dataDir = resolve(values.PATRON_DATA_DIR);
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir,
    secretKey: values.PATRON_SECRET_KEY
      ? Buffer.from(values.PATRON_SECRET_KEY, 'hex')
      : readOrCreateKeyFile(dataDir),
    secretKeySource: values.PATRON_SECRET_KEY ? 'env' : 'file',
    lightspeedBaseUrl: values.LIGHTSPEED_BASE_URL.replace(/\/+$/, ''),
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: values.LOG_LEVEL,
    workerConcurrency: values.PATRON_WORKER_CONCURRENCY,
  };
}

/**
 * A newcomer should not have to invent a key, so one is generated into the data dir (mode 0600).
 * Production sets PATRON_SECRET_KEY instead, so the key does not live next to the data it protects.
 */
function readOrCreateKeyFile(dataDir: string): Buffer {
  const keyPath = join(dataDir, 'secret.key');
  if (existsSync(keyPath)) {
    const text = readFileSync(keyPath, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) {
      throw new ConfigError(`${keyPath} is not a 64-hex-character key; restore it from a backup or set PATRON_SECRET_KEY`);
    }
    return Buffer.from(text, 'hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(keyPath, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(keyPath, 0o600);
  return key;
}
