import type { FastifyReply, FastifyRequest } from 'fastify';
import { findSessionUser, SESSION_COOKIE, SESSION_LIFETIME_MS, type SessionUser } from '../accounts/sessions.ts';
import type { Db } from '../db/database.ts';
import { AppError } from './errors.ts';

/**
 * Resolves the signed-in user from the session cookie, or throws 401. Every company-scoped query
 * takes `companyId` from here, never from the request.
 */
export async function requireUser(db: Db, request: FastifyRequest): Promise<SessionUser> {
  const token = request.cookies[SESSION_COOKIE];
  const user = token ? await findSessionUser(db, token) : undefined;
  if (!user) throw new AppError(401, 'unauthenticated', 'Sign in to continue.');
  return user;
}

export async function requireAdmin(db: Db, request: FastifyRequest): Promise<SessionUser> {
  const user = await requireUser(db, request);
  if (user.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin of this company can do that.');
  return user;
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
