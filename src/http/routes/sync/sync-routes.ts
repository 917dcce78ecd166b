import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findIntegration } from '../../../integrations/catalog.ts';
import { enqueueSync } from '../../../sync/sync-queue.ts';
import { getSyncStatus, requestResync } from '../../../sync/sync-status.ts';
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { requireAdmin, requireUser } from '../../session-auth.ts';

const CredentialParams = z.object({ provider: z.string().max(100), credentialId: z.uuid() });

/**
 * The sync panel of the connection page: status and history of one credential, "Sync now" and
 * "Resync from scratch"; and the customer groups the Integration Settings picker offers.
 */
export function registerSyncRoutes(app: FastifyInstance, { db, boss }: AppContext): void {
  const credentialOf = async (params: unknown, companyId: string) => {
    const parsed = CredentialParams.safeParse(params);
    if (!parsed.success || !findIntegration(parsed.data.provider)) throw notFound('That credential');
    const row = await db
      .selectFrom('credentials')
      .innerJoin('connections', 'connections.id', 'credentials.connection_id')
      .select(['credentials.id', 'credentials.status'])
      .where('credentials.id', '=', parsed.data.credentialId)
      .where('credentials.company_id', '=', companyId)
      .where('connections.provider', '=', parsed.data.provider)
      .executeTakeFirst();
    if (!row) throw notFound('That credential');
    return { ...row, provider: parsed.data.provider };
  };
  const queue = () => {
    if (!boss) throw new AppError(503, 'jobs_unavailable', 'This server does not run jobs; start Patron with `start` or `web` plus a worker.');
    return boss;
  };

  app.get('/api/connections/:provider/credentials/:credentialId/sync', async (request) => {
    const user = await requireUser(db, request);
    const credential = await credentialOf(request.params, user.companyId);
    const status = await getSyncStatus(db, user.companyId, credential.provider, credential.id);
    if (!status) throw notFound('That credential');
    return status;
  });

  /** "Sync now". Coalesces with a sync already waiting; a run in progress is followed by another. */
  app.post('/api/connections/:provider/credentials/:credentialId/sync', async (request, reply) => {
    const user = await requireAdmin(db, request);
    const credential = await credentialOf(request.params, user.companyId);
    if (credential.status !== 'active') {
      throw new AppError(409, 'credential_inactive', 'This store is not syncing because its token was rejected. Replace the token first.');
    }
    const jobId = await enqueueSync(queue(), { credentialId: credential.id, reason: 'manual' });
    reply.code(202);
    return { queued: true, alreadyWaiting: jobId === null };
  });

  /** "Resync from scratch": every cursor back to zero on the next run, which reads the whole store again. */
  app.post('/api/connections/:provider/credentials/:credentialId/resync', async (request, reply) => {
    const user = await requireAdmin(db, request);
    const credential = await credentialOf(request.params, user.companyId);
    const boss = queue();
    await requestResync(db, credential.id);
    const jobId = await enqueueSync(boss, { credentialId: credential.id, reason: 'resync' });
    reply.code(202);
    return { queued: true, alreadyWaiting: jobId === null };
  });

  /** The POS customer groups synced for this company, for the excluded-groups picker. */
  app.get('/api/connections/lightspeed-x/customer-groups', async (request) => {
    const user = await requireUser(db, request);
    const groups = await db
      .selectFrom('source_customer_groups')
      .innerJoin('credentials', 'credentials.id', 'source_customer_groups.credential_id')
      .innerJoin('connections', 'connections.id', 'credentials.connection_id')
      .select(['source_customer_groups.external_id as id', 'source_customer_groups.name', 'credentials.id as credentialId'])
      .where('credentials.company_id', '=', user.companyId)
      .where('connections.provider', '=', 'lightspeed-x')
      .where('source_customer_groups.deleted_at', 'is', null)
      .orderBy('source_customer_groups.name')
      .orderBy('source_customer_groups.external_id')
      .execute();
    return { groups };
  });
}
