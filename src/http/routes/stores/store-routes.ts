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

export function registerStoreRoutes(app: FastifyInstance, { db }: AppContext): void {
  app.get('/api/retail-stores', async (request) => {
    const user = await requireUser(db, request);
    return { stores: await listRetailStores(db, user.companyId), unmapped: await listUnmappedLocations(db, user.companyId) };
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
    return createStoresFromLocations(db, user.companyId);
  });

  app.get('/api/retail-stores/:storeId', async (request) => {
    const user = await requireUser(db, request);
    const storeId = storeIdOf(request.params);
    const store = (await listRetailStores(db, user.companyId)).find((candidate) => candidate.id === storeId);
    if (!store) throw notFound('That store');
    return { store, mappings: await getStoreMappingRows(db, user.companyId, storeId) };
  });

  app.put('/api/retail-stores/:storeId', async (request) => {
    const user = await requireAdmin(db, request);
    await updateRetailStore(db, user.companyId, storeIdOf(request.params), parseInput(RetailStoreInput, request.body));
    return { ok: true };
  });

  /** Store Mappings' "Save settings". */
  app.put('/api/retail-stores/:storeId/mappings', async (request) => {
    const user = await requireAdmin(db, request);
    const body = parseInput(MappingsBody, request.body);
    return saveStoreMappings(db, user.companyId, storeIdOf(request.params), body.locationIds);
  });
}
