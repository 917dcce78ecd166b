import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { earningAttributeChoices, getLoyaltyProgram, LoyaltyProgramInput, saveLoyaltyProgram } from '../../../loyalty/loyalty-program.ts';
import { getLoyaltySummary } from '../../../loyalty/loyalty-summary.ts';
import { adjustPoints } from '../../../loyalty/points-ledger.ts';
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { requireAdmin, requireUser } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const AdjustBody = z.object({
  points: z
    .number({ error: 'Enter the number of points to add (or a negative number to remove).' })
    .int('Points are whole numbers.')
    .refine((value) => value !== 0, 'Enter a number of points other than zero.')
    .refine((value) => Math.abs(value) <= 1_000_000, 'At most 1,000,000 points at a time.'),
  reason: z.string({ error: 'Give a reason for the adjustment.' }).trim().min(3, 'Give a reason for the adjustment (at least 3 characters).').max(300, 'Reasons can be at most 300 characters.'),
  /** Sent again on a retry, so a double click or a resend adjusts once. */
  requestId: z.uuid({ error: 'requestId must be a UUID.' }),
});

export function registerLoyaltyRoutes(app: FastifyInstance, { db }: AppContext): void {
  app.get('/api/loyalty/program', async (request) => {
    const user = await requireUser(db, request);
    return { program: await getLoyaltyProgram(db, user.companyId), earningAttributeChoices };
  });

  app.put('/api/loyalty/program', async (request) => {
    const user = await requireAdmin(db, request);
    const input = parseInput(LoyaltyProgramInput, request.body);
    const region = await db.selectFrom('credentials').select('country').where('company_id', '=', user.companyId).orderBy('created_at').executeTakeFirst();
    return { program: await saveLoyaltyProgram(db, user.companyId, user.userId, input, region?.country ?? null) };
  });

  app.get('/api/loyalty/summary', async (request) => {
    const user = await requireUser(db, request);
    return { summary: await getLoyaltySummary(db, user.companyId) };
  });

  app.post('/api/personas/:personaId/points', async (request, reply) => {
    const user = await requireAdmin(db, request);
    const params = z.object({ personaId: z.uuid() }).safeParse(request.params);
    if (!params.success) throw notFound('That persona');
    const body = parseInput(AdjustBody, request.body);
    try {
      await adjustPoints(db, user.companyId, user.userId, params.data.personaId, body.points, body.reason, body.requestId);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'persona_not_found') throw notFound('That persona');
      if (code === 'negative_balance') throw new AppError(422, 'negative_balance', 'That would take the balance below zero.', 'points');
      throw error;
    }
    reply.code(201);
    return { ok: true };
  });
}
