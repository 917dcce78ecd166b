import type { FastifyInstance } from 'fastify';
import { getSetupChecklist } from '../../../onboarding/setup-checklist.ts';
import type { AppContext } from '../../context.ts';
import { requireUser } from '../../session-auth.ts';

export function registerOnboardingRoutes(app: FastifyInstance, { db }: AppContext): void {
  /** The first-run checklist: what is left of the setup (connect, age gate, first sync, stores, loyalty). */
  app.get('/api/onboarding', async (request) => {
    const user = await requireUser(db, request);
    return getSetupChecklist(db, user.companyId);
  });
}
