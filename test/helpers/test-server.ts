import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp, type RouteInfo } from '../../src/http/app.ts';
import { startJobQueue, type PgBoss } from '../../src/jobs/job-queue.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * A real Patron HTTP server on 127.0.0.1 (random port) over its own fresh database. Every log line
 * is kept in `logs`, so tests can prove that no secret is ever written.
 */
export type TestServer = {
  url: string;
  app: FastifyInstance & { routeList: RouteInfo[] };
  database: TestDatabase;
  config: Config;
  boss: PgBoss | undefined;
  logs: string[];
  close(): Promise<void>;
};

export async function startTestServer(options: { env?: Record<string, string>; jobs?: boolean; port?: number } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({
    PATRON_SECRET_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const boss = options.jobs ? await startJobQueue(database.url, logger, { schedule: false }) : undefined;
  const app = await buildApp({ db: database.db, config, logger, boss, connectors: createConnectors(config) });
  // A fixed port lets a test give the server its own address as PUBLIC_URL before it starts.
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    config,
    boss,
    logs,
    async close() {
      await app.close();
      await boss?.stop({ graceful: false, wait: true, close: true });
      await database.drop();
    },
  };
}
