import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createRealtimeAdapters, removeWebhooksBeforeDelete, requestConnectionReconcile } from '../../../sync/realtime.ts';
import type { AppContext } from '../../context.ts';
import { requireAdmin } from '../../session-auth.ts';

/** Routes after which a store's webhooks may need registering or removing. */
const CONNECTION_CHANGES = new Set([
  'PUT /api/connections/:provider', // Update Connection: real-time updates on or off
  'POST /api/connections/:provider/credentials', // a new store joins a connection that has them on
  'PUT /api/connections/:provider/credentials/:credentialId/token', // a revived credential can register again
]);
const CREDENTIAL_REMOVAL = 'DELETE /api/connections/:provider/credentials/:credentialId';

/**
 * Keeps the stores' webhooks in step with the connection page, around the integration routes rather
 * than inside them: after a successful change, a registration job per credential is queued (a slow
 * store never holds up the page); before a credential is removed, its webhooks are removed while its
 * token still exists, within a few seconds and never failing the removal.
 */
export function registerRealtimeHooks(app: FastifyInstance, { db, config, logger, boss }: AppContext): void {
  const deps = { db, secretKey: config.secretKey, logger, adapters: createRealtimeAdapters(config) };
  const routeOf = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? ''}`;

  app.addHook('onResponse', async (request, reply) => {
    if (!boss || reply.statusCode >= 300 || !CONNECTION_CHANGES.has(routeOf(request))) return;
    try {
      const user = await requireAdmin(db, request);
      const { provider } = request.params as { provider: string };
      if (!deps.adapters[provider]) return;
      await requestConnectionReconcile(db, boss, user.companyId, provider, config.publicUrl ?? null);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not queue the webhook registration');
    }
  });

  app.addHook('preHandler', async (request) => {
    if (routeOf(request) !== CREDENTIAL_REMOVAL) return;
    const parsed = z.object({ credentialId: z.uuid() }).safeParse(request.params);
    if (!parsed.success || !z.object({ data: z.enum(['keep', 'purge']) }).safeParse(request.query).success) return;
    // Only on behalf of an admin of the owning company; anything else is the route's to refuse.
    const user = await requireAdmin(db, request).catch(() => undefined);
    if (!user) return;
    const owned = await db
      .selectFrom('credentials')
      .select('id')
      .where('id', '=', parsed.data.credentialId)
      .where('company_id', '=', user.companyId)
      .executeTakeFirst();
    if (owned) await removeWebhooksBeforeDelete(deps, owned.id);
  });
}
