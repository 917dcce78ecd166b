import type { FastifyInstance } from 'fastify';
import { createRealtimeAdapters } from '../../../sync/realtime.ts';
import { enqueueSync } from '../../../sync/sync-queue.ts';
import type { AppContext } from '../../context.ts';

/** Deliveries carry one record; 1 MiB is far above any real one and bounds what a stranger can send. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Webhook intake: `POST /webhooks/<provider>/<secret>`. Outside /api (the caller is the POS, not a
 * browser page), authenticated only by the credential's unguessable secret in the path.
 *
 * A delivery is a signal: Patron answers at once and queues a sync of that credential, which reads
 * the changes through the API like any other run. Nothing from the payload is used or logged (it is
 * unsigned and holds personal data). Replays are harmless: queued syncs of a credential coalesce.
 */
export function registerWebhookRoutes(app: FastifyInstance, { db, config, logger, boss }: AppContext): void {
  const adapters = createRealtimeAdapters(config);

  // Encapsulated so that form bodies are accepted here only, never by the JSON API.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => {
      const form: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(body as string)) form[key] = value;
      done(null, form);
    });
    scope.setErrorHandler((error, _request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return reply.code(413).send({ error: { code: 'body_too_large', message: 'Webhook bodies are limited to 1 MiB.' } });
      if (status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'bad_request', message: 'The webhook delivery could not be read.' } });
      logger.error({ err: error }, 'webhook intake failed');
      // A 5xx makes the POS deliver again later, which is what we want when the queue was unreachable.
      return reply.code(503).send({ error: { code: 'unavailable', message: 'Try again later.' } });
    });

    for (const [provider, adapter] of Object.entries(adapters)) {
      scope.post(
        `/webhooks/${adapter.pathSegment}/:secret`,
        // The URL holds the secret: keep Fastify's per-request log lines (which print it) out of the log.
        { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES, logLevel: 'warn' },
        async (request, reply) => {
          const { secret } = request.params as { secret: string };
          if (!/^[0-9a-f]{16,128}$/.test(secret)) return reply.code(404).send({ error: { code: 'not_found', message: 'No such webhook.' } });
          const credential = await db
            .selectFrom('credentials')
            .innerJoin('connections', 'connections.id', 'credentials.connection_id')
            .select(['credentials.id', 'credentials.domain_prefix', 'credentials.status'])
            .where('credentials.webhook_secret', '=', secret)
            .where('connections.provider', '=', provider)
            .executeTakeFirst();
          if (!credential) return reply.code(404).send({ error: { code: 'not_found', message: 'No such webhook.' } });

          // Lightspeed delivers form-encoded only; anything else is not a delivery.
          const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
          const form = isForm && request.body && typeof request.body === 'object' ? (request.body as Record<string, string>) : {};
          const delivery = adapter.parseDelivery(form);
          if (!delivery.ok) return reply.code(400).send({ error: { code: 'bad_delivery', message: delivery.message } });
          if (delivery.storeAddress && delivery.storeAddress !== credential.domain_prefix) {
            return reply.code(400).send({ error: { code: 'bad_delivery', message: 'This delivery names a different store.' } });
          }

          let queued = false;
          if (delivery.relevant && credential.status === 'active') {
            if (!boss) return reply.code(503).send({ error: { code: 'unavailable', message: 'Try again later.' } });
            // Awaited before answering: if the queue is down, the 5xx makes the POS retry instead of the signal being lost.
            queued = (await enqueueSync(boss, { credentialId: credential.id, reason: 'webhook' })) !== null;
          }
          await db.updateTable('webhook_status').set({ last_delivery_at: new Date() }).where('credential_id', '=', credential.id).execute();
          logger.debug({ credentialId: credential.id, eventType: delivery.eventType, queued }, 'webhook received');
          return reply.code(200).send({ ok: true });
        },
      );
    }
  });
}
