import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * Repeated wrong passwords for one email are slowed down: after FREE_ATTEMPTS failures within the
 * window, each further attempt must wait, doubling per failure up to MAX_DELAY_MS.
 */
const WINDOW_MINUTES = 15;
const FREE_ATTEMPTS = 5;
const MAX_DELAY_MS = 60_000;

export async function recordSignInFailure(db: Db, email: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ email }).execute();
}

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}

/** Milliseconds the caller must still wait before trying this email again (0 = go ahead). */
export async function signInDelayMs(db: Db, email: string, now = Date.now()): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('failures'), eb.fn.max('failed_at').as('last')])
    .where('email', '=', email)
    .where(sql<boolean>`failed_at > now() - make_interval(mins => ${WINDOW_MINUTES})`)
    .executeTakeFirstOrThrow();
  const failures = Number(row.failures);
  if (failures < FREE_ATTEMPTS || !row.last) return 0;
  const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS));
  return Math.max(0, new Date(row.last).getTime() + delay - now);
}

export async function deleteOldSignInFailures(db: Db): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where(sql<boolean>`failed_at < now() - make_interval(mins => ${WINDOW_MINUTES})`)
    .execute();
}
