import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

/**
 * One lock per company over the work that derives personas from their sources.
 *
 * `exclusive` is for work that recomputes personas from what its transaction can see (identity
 * resolution, merges, recomputed totals): two such transactions, or one of them and a transaction
 * adding to the same totals, could otherwise overwrite each other's result with a stale one.
 * `shared` is for work that only adds to totals (sales seen for the first time): any number of those
 * run side by side, since their additions commute.
 */
export async function lockCompanyPersonas(trx: Transaction<Database>, companyId: string, mode: 'exclusive' | 'shared'): Promise<void> {
  const key = 'identity:' + companyId;
  if (mode === 'exclusive') await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  else await sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`.execute(trx);
}
