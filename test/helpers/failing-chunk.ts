import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

/**
 * Makes the `nth` favorite-store chunk from now fail once, after it has recomputed its personas: its
 * progress update raises, so its transaction rolls back as if the worker had died there. nextval is
 * not rolled back with it, so later chunks go through.
 */
export async function failFavoriteStoreChunk(db: Db, nth: number): Promise<void> {
  if (!Number.isInteger(nth) || nth < 1) throw new Error(`nth must be a whole number from 1, not ${nth}`);
  await sql`CREATE SEQUENCE IF NOT EXISTS test_chunks`.execute(db);
  await sql`ALTER SEQUENCE test_chunks RESTART`.execute(db);
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION test_fail_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.personas_done > OLD.personas_done AND nextval('test_chunks') = ${nth} THEN
          RAISE EXCEPTION 'chunk ${nth} fails once (test)';
        END IF;
        RETURN NEW;
      END $$`,
    )
    .execute(db);
  await sql`CREATE OR REPLACE TRIGGER test_fail_chunk BEFORE UPDATE ON favorite_store_refreshes FOR EACH ROW EXECUTE FUNCTION test_fail_chunk()`.execute(db);
}
