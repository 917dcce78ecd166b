import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import { lockCompanyPersonas } from '../personas/persona-lock.ts';
import { personasWithSalesAt, refreshFavoriteStores } from './favorite-store.ts';

/**
 * Personas recomputed per transaction. Each chunk holds the company's persona lock exclusively (see
 * refreshNextChunk), so this bounds how long the company's syncs wait: about 0.3 s per chunk at
 * 200,000 personas / 1M sales, most of it rewriting the personas whose favorite moved. Larger chunks
 * were not faster overall (5,000: the same total time, 0.7 s per chunk).
 */
export const REFRESH_CHUNK_SIZE = 2000;

/** What the Retail Store pages show while favorite stores are being recomputed after a change. */
export type FavoriteStoreRefreshStatus =
  | { state: 'idle' }
  /** A change is saved; the personas it affects are being looked up. */
  | { state: 'queued' }
  | { state: 'running'; personasDone: number; personasTotal: number };

/**
 * Records, in the transaction that changes them, that the favorites of everyone who shopped at these
 * outlets must be recomputed. The job (runFavoriteStoreRefresh) does it; the caller queues it once
 * this transaction has committed. Returns whether anything was recorded.
 */
export async function requestFavoriteStoreRefresh(trx: Transaction<Database>, companyId: string, sourceLocationIds: string[]): Promise<boolean> {
  if (sourceLocationIds.length === 0) return false;
  await sql`
    INSERT INTO favorite_store_refreshes AS r (company_id, pending_location_ids)
    VALUES (${companyId}, ${sourceLocationIds}::uuid[])
    ON CONFLICT (company_id) DO UPDATE
    SET pending_location_ids = ARRAY(SELECT DISTINCT unnest(r.pending_location_ids || excluded.pending_location_ids))`.execute(trx);
  return true;
}

export async function readFavoriteStoreRefresh(db: Db, companyId: string): Promise<FavoriteStoreRefreshStatus> {
  const row = await db
    .selectFrom('favorite_store_refreshes')
    .select(['pending_location_ids', 'claimed_location_ids', 'personas_total', 'personas_done'])
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  if (!row) return { state: 'idle' };
  if (row.personas_done < row.personas_total) return { state: 'running', personasDone: row.personas_done, personasTotal: row.personas_total };
  if (row.pending_location_ids.length > 0 || row.claimed_location_ids.length > 0) return { state: 'queued' };
  return { state: 'idle' };
}

/** Companies with changes not yet fully applied: their job may have been lost or run out of retries. */
export async function companiesWithUnfinishedRefresh(db: Db): Promise<string[]> {
  const rows = await sql<{ company_id: string }>`
    SELECT company_id FROM favorite_store_refreshes
    WHERE cardinality(pending_location_ids) > 0 OR cardinality(claimed_location_ids) > 0 OR personas_done < personas_total`.execute(db);
  return rows.rows.map((row) => row.company_id);
}

/**
 * The job: recomputes the favorite stores of a company's personas affected by its saved changes, a
 * chunk per transaction, until nothing is left or `maxRunMs` has passed (then `finished` is false and
 * the caller queues the rest). Idempotent: favorites are recomputed from sales, so running it again
 * after a crash, or twice at once, ends the same; a crash costs at most the chunk in flight.
 * Changes saved while it works are taken once the current round is done.
 */
export async function runFavoriteStoreRefresh(
  db: Db,
  companyId: string,
  options: { maxRunMs?: number; chunkSize?: number } = {},
): Promise<{ finished: boolean; personasRefreshed: number }> {
  const deadline = Date.now() + (options.maxRunMs ?? Number.POSITIVE_INFINITY);
  let personasRefreshed = 0;
  while (Date.now() < deadline) {
    const refreshed = await refreshNextChunk(db, companyId, options.chunkSize ?? REFRESH_CHUNK_SIZE);
    personasRefreshed += refreshed;
    if (refreshed > 0) continue;
    if (!(await claimChangedLocations(db, companyId))) return { finished: true, personasRefreshed };
    await queueAffectedPersonas(db, companyId);
  }
  return { finished: false, personasRefreshed };
}

/**
 * Takes the saved changes for a new round. The exclusive persona lock is a barrier: it is granted
 * once every sync page transaction of the company that began before the change has committed. Those
 * may have computed favorites with the old mappings, or added sales at these outlets that the
 * persona lookup (after this) must see; page transactions that start later see the new mappings
 * themselves. Returns whether there are claimed outlets to look up.
 */
async function claimChangedLocations(db: Db, companyId: string): Promise<boolean> {
  const before = await db.selectFrom('favorite_store_refreshes').select(['pending_location_ids', 'claimed_location_ids']).where('company_id', '=', companyId).executeTakeFirst();
  if (!before) return false;
  // Nothing new: claimed outlets (left by a crash) already passed the barrier.
  if (before.pending_location_ids.length === 0) return before.claimed_location_ids.length > 0;
  return db.transaction().execute(async (trx) => {
    await lockCompanyPersonas(trx, companyId, 'exclusive');
    const claimed = await sql<{ claimed: number }>`
      UPDATE favorite_store_refreshes SET
        claimed_location_ids = ARRAY(SELECT DISTINCT unnest(claimed_location_ids || pending_location_ids)),
        pending_location_ids = '{}',
        -- A new round starts from zero once the last one is done.
        personas_total = CASE WHEN personas_done = personas_total THEN 0 ELSE personas_total END,
        personas_done = CASE WHEN personas_done = personas_total THEN 0 ELSE personas_done END
      WHERE company_id = ${companyId}
      RETURNING cardinality(claimed_location_ids) AS claimed`.execute(trx);
    return (claimed.rows[0]?.claimed ?? 0) > 0;
  });
}

/**
 * Turns the claimed outlets into the personas to recompute, in SQL (no list through this process).
 * The company row is only written at the end, so Saves meanwhile are not held up by the lookup.
 */
async function queueAffectedPersonas(db: Db, companyId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('favorite_store_refreshes').select('claimed_location_ids').where('company_id', '=', companyId).executeTakeFirst();
    const claimed = row?.claimed_location_ids ?? [];
    if (claimed.length === 0) return;
    const queued = await sql`
      INSERT INTO favorite_store_refresh_personas (company_id, persona_id)
      SELECT ${companyId}, affected.persona_id FROM (${personasWithSalesAt(companyId, claimed)}) affected
      ON CONFLICT DO NOTHING`.execute(trx);
    await sql`
      UPDATE favorite_store_refreshes SET
        claimed_location_ids = ARRAY(SELECT unnest(claimed_location_ids) EXCEPT SELECT unnest(${claimed}::uuid[])),
        personas_total = personas_total + ${Number(queued.numAffectedRows ?? 0)}
      WHERE company_id = ${companyId}`.execute(trx);
  });
}

/**
 * Recomputes the next chunk of queued personas and takes them off the queue, in one transaction.
 *
 * The persona lock is taken in exclusive mode, not shared. Shared is for work that only adds to
 * totals; this recomputes favorites from what its transaction sees. A sync page holding the lock
 * shared writes the favorite of a persona with new sales before it commits; a chunk running beside it
 * would compute that persona from a snapshot without those sales, wait for the page's row lock, and
 * then overwrite the fresher favorite with its stale one. Exclusive makes each chunk wait for the
 * pages in flight and see their sales; pages wait at most one chunk.
 */
async function refreshNextChunk(db: Db, companyId: string, chunkSize: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockCompanyPersonas(trx, companyId, 'exclusive');
    const taken = await sql<{ persona_id: string }>`
      DELETE FROM favorite_store_refresh_personas q
      WHERE q.company_id = ${companyId} AND q.persona_id IN (
        SELECT persona_id FROM favorite_store_refresh_personas WHERE company_id = ${companyId} ORDER BY persona_id LIMIT ${chunkSize}
      )
      RETURNING q.persona_id`.execute(trx);
    const personaIds = taken.rows.map((row) => row.persona_id);
    if (personaIds.length === 0) return 0;
    await refreshFavoriteStores(trx, personaIds);
    await sql`UPDATE favorite_store_refreshes SET personas_done = personas_done + ${personaIds.length} WHERE company_id = ${companyId}`.execute(trx);
    return personaIds.length;
  });
}
