import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { catalog, findIntegration, searchCatalog } from '../../../integrations/catalog.ts';
import { featureNames, type FeatureName } from '../../../integrations/connector.ts';
import {
  addCredential,
  getConnectionView,
  removeCredential,
  replaceCredentialToken,
  updateConnection,
} from '../../../integrations/connections.ts';
import { IntegrationSettingsSchema } from '../../../integrations/integration-settings.ts';
import { enqueueSync } from '../../../sync/sync-queue.ts';
import { applyAgeGateChange } from '../../../loyalty/age-gate.ts';
import { createRealtimeAdapters, removeWebhooksBeforeDelete, requestConnectionReconcile } from '../../../sync/realtime.ts';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { requireAdmin, requireUser } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const featureLabels: Record<FeatureName, string> = {
  customers: 'Customers',
  salesWithLineItems: 'Sales with line items',
  storeMapping: 'Store mapping',
  favoriteStore: 'Favorite store',
  loyaltyPoints: 'Loyalty points',
  realtimeUpdates: 'Real-time updates',
  deletions: 'Deletions',
  writeBack: 'Write-back to the POS',
};

const tokenField = z
  .string({ error: 'Paste the personal token from Lightspeed into the Token field.' })
  .trim()
  .min(1, 'Paste the personal token from Lightspeed into the Token field.')
  .max(512, 'That is too long to be a token: copy it again with the Copy button.');

const AddCredentialBody = z.object({
  token: tokenField,
  storeAddress: z.string({ error: 'Enter the DomainPrefix: the store name in your Lightspeed address.' }).max(300, 'That DomainPrefix is too long.'),
});

const ReplaceTokenBody = z.object({ token: tokenField });

const UpdateConnectionBody = z.object({
  ageGateConfirmed: z.boolean({ error: 'Say whether all users from this source have passed an age gate (true or false).' }),
  settings: IntegrationSettingsSchema.default(IntegrationSettingsSchema.parse({})),
});

const RemoveQuery = z.object({
  data: z.enum(['keep', 'purge'], { error: 'Say whether to keep or purge the synced data: data=keep or data=purge.' }),
});

export function registerIntegrationRoutes(app: FastifyInstance, { db, config, connectors, boss, logger }: AppContext): void {
  const realtime = { db, secretKey: config.secretKey, logger, adapters: createRealtimeAdapters(config) };
  /**
   * After a change that can affect webhooks (a store added, a token replaced, real-time switched),
   * a registration job per store is queued: a slow store never holds up the page.
   */
  const reconcileWebhooksLater = async (companyId: string, provider: string) => {
    if (!boss || !realtime.adapters[provider]) return;
    try {
      await requestConnectionReconcile(db, boss, companyId, provider, config.publicUrl ?? null);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not queue the webhook registration');
    }
  };
  const providerOf = (params: unknown) => {
    const provider = (params as { provider: string }).provider;
    const entry = findIntegration(provider);
    const connector = connectors[provider];
    if (!entry || !connector) throw notFound(`The integration "${provider}"`);
    return { entry, connector };
  };

  /** The Integrations page: the catalog, searchable, with this company's connection state. */
  app.get('/api/integrations', async (request) => {
    const user = await requireUser(db, request);
    const query = z.object({ q: z.string().max(100).optional() }).parse(request.query ?? {});
    const connected = await db
      .selectFrom('credentials')
      .innerJoin('connections', 'connections.id', 'credentials.connection_id')
      .select(['connections.provider', (eb) => eb.fn.countAll<number>().as('count')])
      .where('credentials.company_id', '=', user.companyId)
      .where('credentials.status', '<>', 'removed')
      .groupBy('connections.provider')
      .execute();
    const counts = new Map(connected.map((row) => [row.provider, Number(row.count)]));
    return {
      integrations: searchCatalog(query.q ?? '').map((entry) => ({
        id: entry.id,
        name: entry.name,
        category: entry.category,
        description: entry.description,
        credentialCount: counts.get(entry.id) ?? 0,
      })),
    };
  });

  /** The Integration Grid: every integration and, per feature, whether Patron supports it. */
  app.get('/api/integrations/grid', async (request) => {
    await requireUser(db, request);
    return {
      features: featureNames.map((id) => ({ id, label: featureLabels[id] })),
      integrations: catalog.map((entry) => ({ id: entry.id, name: entry.name, category: entry.category, features: entry.features })),
    };
  });

  app.get('/api/connections/:provider', async (request) => {
    const user = await requireUser(db, request);
    const { entry } = providerOf(request.params);
    return {
      integration: { id: entry.id, name: entry.name, credentialLabels: entry.credentialLabels },
      connection: await getConnectionView(db, user.companyId, entry.id),
      realtimeAvailable: Boolean(config.publicUrl),
    };
  });

  app.post('/api/connections/:provider/credentials', async (request, reply) => {
    const user = await requireAdmin(db, request);
    const { connector } = providerOf(request.params);
    const body = parseInput(AddCredentialBody, request.body);
    const credential = await addCredential(db, config.secretKey, connector, user.companyId, body);
    await reconcileWebhooksLater(user.companyId, connector.provider);
    reply.code(201);
    return { credential };
  });

  app.put('/api/connections/:provider/credentials/:credentialId/token', async (request) => {
    const user = await requireAdmin(db, request);
    const { connector } = providerOf(request.params);
    const { credentialId } = parseCredentialId(request.params);
    const body = parseInput(ReplaceTokenBody, request.body);
    const credential = await replaceCredentialToken(db, config.secretKey, connector, user.companyId, credentialId, body.token);
    if (boss) await enqueueSync(boss, { credentialId, reason: 'token-replaced' });
    await reconcileWebhooksLater(user.companyId, connector.provider);
    return { credential };
  });

  app.delete('/api/connections/:provider/credentials/:credentialId', async (request) => {
    const user = await requireAdmin(db, request);
    providerOf(request.params);
    const { credentialId } = parseCredentialId(request.params);
    const { data } = parseInput(RemoveQuery, request.query);
    const owned = await db.selectFrom('credentials').select('id').where('id', '=', credentialId).where('company_id', '=', user.companyId).executeTakeFirst();
    if (!owned) throw notFound('That credential');
    // While the token still exists: take the store's webhooks down (bounded, never blocking removal).
    await removeWebhooksBeforeDelete(realtime, credentialId);
    const result = await removeCredential(db, user.companyId, credentialId, data);
    return { ok: true, ...result };
  });

  /** "Update Connection": save the age gate and settings, then start syncing every active store at once. */
  app.put('/api/connections/:provider', async (request) => {
    const user = await requireAdmin(db, request);
    const { entry } = providerOf(request.params);
    const body = parseInput(UpdateConnectionBody, request.body);
    const { credentialIds, connectionId, ageGateChanged } = await updateConnection(db, user.companyId, user.userId, entry.id, body);
    if (ageGateChanged) await applyAgeGateChange(db, user.companyId, connectionId);
    await reconcileWebhooksLater(user.companyId, entry.id);
    const queued: string[] = [];
    if (boss) {
      for (const credentialId of credentialIds) {
        await enqueueSync(boss, { credentialId, reason: 'connected' });
        queued.push(credentialId);
      }
    }
    return { connection: await getConnectionView(db, user.companyId, entry.id), syncQueued: queued };
  });
}

function parseCredentialId(params: unknown): { credentialId: string } {
  const parsed = z.object({ credentialId: z.uuid() }).safeParse(params);
  if (!parsed.success) throw notFound('That credential');
  return parsed.data;
}
