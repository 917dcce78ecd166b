import type { Db } from '../db/database.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { PgBoss } from '../jobs/job-queue.ts';
import type { Connectors } from '../integrations/connectors.ts';

/** What route handlers need from the running process. */
export type AppContext = {
  db: Db;
  config: Config;
  logger: Logger;
  /** The point-of-sale connectors, configured for this process (e.g. the emulator's URL in tests). */
  connectors: Connectors;
  /** Present when the process enqueues jobs (always in `start`; absent in some tests). */
  boss?: PgBoss;
};
