import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

/**
 * One lock per company over the work that derives personas from their sources.
 *
 * `exclusive` is for work that recomputes personas from what its transaction can see (identity
 * resolution, merges, recomputed totals): two such transactions, or one of them and a transaction
 * adding to the same totals, could otherwise overwrite each other's result with a stale one.
 * `shared` is for work that only adds to totals (sales seen for the first time): any number of those
 * run side by side, since their additions commute (a favorite store recomputed there is not an
 * addition, and its rows are locked first: lockPersonaRows below).
 */
export async function lockCompanyPersonas(trx: Transaction<Database>, companyId: string, mode: 'exclusive' | 'shared'): Promise<void> {
  const key = 'identity:' + companyId;
  if (mode === 'exclusive') await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  else await sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * Locks these personas' rows, in id order, until the transaction ends.
 *
 * Under the shared company lock several transactions add to the same personas at once (two stores
 * of one company selling to the same person). Their additions to totals commute, but a favorite store
 * is recomputed from the sales a transaction can see, so without this the later of two transactions
 * could write a favorite that misses the earlier one's sales. Holding the rows first makes it wait for
 * the earlier one to commit, and its next statement sees those sales. In id order, so that two
 * transactions taking them cannot deadlock here. FOR NO KEY UPDATE, like the UPDATEs that follow, so
 * ledger entries pointing at these personas (KEY SHARE) are not held up.
 *
 * Only for the personas whose favorite is recomputed: a row lock is one more write of the row (and
 * a WAL record), and locking every buyer of a unit cost 5 % of a sales backfill in a profile.
 */
export async function lockPersonaRows(trx: Transaction<Database>, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  await sql`SELECT 1 FROM personas WHERE id = ANY(${personaIds}::uuid[]) ORDER BY id FOR NO KEY UPDATE`.execute(trx);
}
