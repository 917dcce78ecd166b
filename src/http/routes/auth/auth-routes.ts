import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, countUsers, createCompanyWithAdmin, getCompany } from '../../../accounts/accounts.ts';
import { createSession, deleteSession, SESSION_COOKIE } from '../../../accounts/sessions.ts';
import { clearSignInFailures, recordSignInFailure, signInDelayMs } from '../../../accounts/sign-in-throttle.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { emailField, newPasswordField, personNameField } from '../../fields.ts';
import { clearSessionCookie, requireUser, setSessionCookie } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const SignUpBody = z.object({
  companyName: z
    .string({ error: 'Enter your company name.' })
    .trim()
    .min(1, 'Enter your company name.')
    .max(200, 'Company names can be at most 200 characters.'),
  name: personNameField,
  email: emailField,
  password: newPasswordField,
});

const SignInBody = z.object({
  email: emailField,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'That password is too long.'),
});

export function registerAuthRoutes(app: FastifyInstance, { db }: AppContext): void {
  /** Lets the SPA send a first-time visitor to sign-up rather than sign-in. */
  app.get('/api/setup', async () => ({ hasUsers: (await countUsers(db)) > 0 }));

  app.post('/api/auth/sign-up', async (request, reply) => {
    const body = parseInput(SignUpBody, request.body);
    const { companyId, user } = await createCompanyWithAdmin(db, body);
    const session = await createSession(db, user.id, companyId);
    setSessionCookie(reply, request, session.token);
    reply.code(201);
    return { user, company: await getCompany(db, companyId) };
  });

  app.post('/api/auth/sign-in', async (request, reply) => {
    const body = parseInput(SignInBody, request.body);
    const waitMs = await signInDelayMs(db, body.email);
    if (waitMs > 0) {
      reply.header('retry-after', Math.ceil(waitMs / 1000));
      throw new AppError(429, 'too_many_attempts', `Too many wrong passwords. Try again in ${Math.ceil(waitMs / 1000)} seconds.`);
    }
    const user = await authenticate(db, body.email, body.password);
    if (!user) {
      await recordSignInFailure(db, body.email);
      throw new AppError(401, 'wrong_credentials', 'That email and password do not match an account.', 'password');
    }
    await clearSignInFailures(db, body.email);
    const session = await createSession(db, user.id, user.companyId);
    setSessionCookie(reply, request, session.token);
    return { ok: true };
  });

  app.post('/api/auth/sign-out', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await deleteSession(db, token);
    clearSessionCookie(reply);
    return { ok: true };
  });

  app.get('/api/auth/me', async (request) => {
    const user = await requireUser(db, request);
    return {
      user: { id: user.userId, name: user.name, email: user.email, role: user.role },
      company: await getCompany(db, user.companyId),
    };
  });
}
