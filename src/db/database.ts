import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.ts';

// BIGINT (int8) columns hold Lightspeed versions above 2^31; node-postgres returns them as strings
// by default. They stay below 2^53 in practice, and a number is what the code compares.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// NUMERIC stays a string: money is summed in SQL and formatted for display, never added in floats.

export type Db = Kysely<Database>;

export type DatabaseHandle = { db: Db; pool: pg.Pool; close(): Promise<void> };

/**
 * Planner settings for every session Patron opens. random_page_cost 1.1 (the default, 4, models
 * spinning disks) says what is true of a database whose working set is cached or on SSD: reading a
 * row through an index costs about what a sequential read does. Patron's writes and reads look up a
 * batch of keys (2,000 personas, sales or customers) in tables of millions of rows; at the default
 * the planner prefers to scan and hash a whole table of up to ~100,000 rows instead of probing an
 * index 2,000 times, which makes each batch cost as much as the table is big. Measured in
 * docs/performance.md (change 19).
 */
const SESSION_SETTINGS = '-c random_page_cost=1.1';

export function openDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, options: SESSION_SETTINGS });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: the pool stops listening for errors on a client while it is lent
  // out, and a sync run holds one for its whole run (the advisory lock) while its pages use others.
  // If the server goes away then, the client emits 'error' with no listener, which would kill the
  // process; with this listener the next query on it fails instead and the job is retried.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
      // Kysely ends the pool only if it ever ran a query; a handle used through `pool` alone (the
      // migrations of the tests' template) would keep its connections open, and ALTER DATABASE on
      // that database then waited 5 s per attempt for them to go.
      if (!pool.ended) await pool.end();
    },
  };
}
