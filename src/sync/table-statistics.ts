import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';

/**
 * The tables a sync fills in bulk, whose plans go wrong when their statistics lag behind their size.
 */
const BULK_TABLES = ['source_customers', 'personas', 'persona_identifiers', 'sales', 'sale_lines', 'sale_payments', 'loyalty_ledger'];

/** Below this many changed rows a stale plan costs little: the whole table is small. */
const MIN_CHANGED_ROWS = 10_000;

/**
 * Records a worker writes between two checks. Only a bulk write can make a table's statistics stale
 * faster than autovacuum refreshes them, and the check (a read of pg_stat_user_tables) is not free:
 * a poll that brings a few records, many times a second across a platform, makes none.
 */
const RECORDS_PER_CHECK = 5_000;

/**
 * Keeps the planner's statistics of the bulk tables in step with a backfill.
 *
 * Autovacuum analyzes a table at most once a minute (autovacuum_naptime), after 10 % of it changed.
 * A backfill outruns that: on a young database, source_customers goes from 0 to 100,000 rows in about
 * half a minute with no statistics at all, and the planner, assuming 200 distinct personas, reads
 * "the sources of these 2,000 personas" by scanning the whole table. Every transaction then costs as
 * much as the table is big, and the backfill grows with the square of its size. So the sync analyzes
 * a bulk table itself once more rows changed since its last analyze (autovacuum's or ours) than the
 * table held then: each time it doubles, or grows by half when its new rows are also updated (a
 * source customer getting its persona counts twice). That is one ANALYZE (a 30,000-row sample,
 * 100–350 ms) per step, about ten steps from empty to a million rows.
 *
 * A worker checks every 5,000 records it writes, one check at a time, beside the sync's transactions,
 * never in them; `SKIP_LOCKED` leaves a table that another worker (or autovacuum) is analyzing to
 * that one. A failure is logged and forgotten: statistics make plans faster, never results different.
 */
export class TableStatistics {
  private running: Promise<void> | undefined;
  private writtenSinceCheck = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** Counts records just committed; every RECORDS_PER_CHECK of them starts a check unless one is running. Returns at once. */
  refreshIfStale(recordsWritten: number): void {
    this.writtenSinceCheck += recordsWritten;
    if (this.writtenSinceCheck < RECORDS_PER_CHECK || this.running) return;
    this.writtenSinceCheck = 0;
    this.running = this.analyzeStaleTables()
      .catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'refreshing table statistics failed'))
      .finally(() => (this.running = undefined));
  }

  /** Waits for the check in progress, if any. */
  async settled(): Promise<void> {
    await this.running;
  }

  private async analyzeStaleTables(): Promise<void> {
    // reltuples: the rows the table held at its last analyze (or vacuum); -1 before the first.
    const stale = await sql<{ relname: string }>`
      SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ANY(${BULK_TABLES}::text[])
        AND s.n_mod_since_analyze >= greatest(${MIN_CHANGED_ROWS}::real, c.reltuples)`.execute(this.db);
    for (const { relname } of stale.rows) {
      await sql`ANALYZE (SKIP_LOCKED) ${sql.table(relname)}`.execute(this.db);
      this.logger.debug({ table: relname }, 'analyzed a table the sync is filling');
    }
  }
}
