import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';

export const SESSION_COOKIE = 'patron_session';
/** Sessions end after two weeks even when used every day; sign-out ends them at once. */
export const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export type SessionUser = { userId: string; companyId: string; name: string; email: string; role: 'admin' | 'member' };

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Creates a session and returns the token for the cookie; only its hash is stored. */
export async function createSession(db: Db, userId: string, companyId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: userId, company_id: companyId, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export async function findSessionUser(db: Db, token: string): Promise<SessionUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as userId', 'users.company_id as companyId', 'users.name', 'users.email', 'users.role'])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
  return row;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
