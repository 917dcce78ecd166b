import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  createRetailStore,
  createStoresFromLocations,
  getStoreMappingRows,
  listRetailStoreOptions,
  listRetailStores,
  RetailStoreInput,
  saveStoreMappings,
  updateRetailStore,
} from '../../../stores/retail-stores.ts';
import { listUnmappedLocations } from '../../../stores/unmapped-locations.ts';
import { readFavoriteStoreRefresh } from '../../../stores/favorite-store-refresh.ts';
import { enqueueFavoriteStoreRefresh } from '../../../stores/favorite-store-queue.ts';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { requireAdmin, requireUser } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const MappingsBody = z.object({
  locationIds: z.array(z.uuid({ error: 'Each key must be a location id.' }), { error: 'locationIds must be a list of location ids.' }).max(500),
});

function storeIdOf(params: unknown): string {
  const parsed = z.object({ storeId: z.uuid() }).safeParse(params);
  if (!parsed.success) throw notFound('That store');
  return parsed.data.storeId;
}

export function registerStoreRoutes(app: FastifyInstance, { db, boss, logger }: AppContext): void {
  /**
   * After a change that moves favorites has committed: queues the favorite-store job and answers with
   * its state. The change itself recorded the work, so a failed enqueue (or a process without a
   * queue) only delays it until housekeeping queues every unfinished one.
   */
  const favoriteStoresAfter = async (companyId: string, queued: boolean) => {
    if (queued && boss) {
      await enqueueFavoriteStoreRefresh(boss, companyId).catch((error: unknown) => logger.warn({ err: error, companyId }, 'could not queue the favorite-store job; housekeeping will'));
    }
    return readFavoriteStoreRefresh(db, companyId);
  };

  app.get('/api/retail-stores', async (request) => {
    const user = await requireUser(db, request);
    return {
      stores: await listRetailStores(db, user.companyId),
      unmapped: await listUnmappedLocations(db, user.companyId),
      favoriteStores: await readFavoriteStoreRefresh(db, user.companyId),
    };
  });

  /** Progress of the favorite-store recomputation, polled by the Retail Store pages while it runs. */
  app.get('/api/retail-stores/favorite-store-refresh', async (request) => {
    const user = await requireUser(db, request);
    return { favoriteStores: await readFavoriteStoreRefresh(db, user.companyId) };
  });

  app.get('/api/retail-stores/options', async (request) => {
    const user = await requireUser(db, request);
    return { stores: await listRetailStoreOptions(db, user.companyId) };
  });

  app.post('/api/retail-stores', async (request, reply) => {
    const user = await requireAdmin(db, request);
    const store = await createRetailStore(db, user.companyId, parseInput(RetailStoreInput, request.body));
    reply.code(201);
    return { store };
  });

  app.post('/api/retail-stores/from-locations', async (request) => {
    const user = await requireAdmin(db, request);
    const { created, favoriteStoresQueued } = await createStoresFromLocations(db, user.companyId);
    return { created, favoriteStores: await favoriteStoresAfter(user.companyId, favoriteStoresQueued) };
  });

  app.get('/api/retail-stores/:storeId', async (request) => {
    const user = await requireUser(db, request);
    const storeId = storeIdOf(request.params);
    const store = (await listRetailStores(db, user.companyId)).find((candidate) => candidate.id === storeId);
    if (!store) throw notFound('That store');
    return { store, mappings: await getStoreMappingRows(db, user.companyId, storeId), favoriteStores: await readFavoriteStoreRefresh(db, user.companyId) };
  });

  app.put('/api/retail-stores/:storeId', async (request) => {
    const user = await requireAdmin(db, request);
    const { favoriteStoresQueued } = await updateRetailStore(db, user.companyId, storeIdOf(request.params), parseInput(RetailStoreInput, request.body));
    return { ok: true, favoriteStores: await favoriteStoresAfter(user.companyId, favoriteStoresQueued) };
  });

  /** Store Mappings' "Save settings": saved at once; favorites follow from the job (`favoriteStores`). */
  app.put('/api/retail-stores/:storeId/mappings', async (request) => {
    const user = await requireAdmin(db, request);
    const body = parseInput(MappingsBody, request.body);
    const { changedLocations, favoriteStoresQueued } = await saveStoreMappings(db, user.companyId, storeIdOf(request.params), body.locationIds);
    return { changedLocations, favoriteStores: await favoriteStoresAfter(user.companyId, favoriteStoresQueued) };
  });
}
