import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getPersonaDetail } from '../../../personas/persona-detail.ts';
import { getPersonaLoyalty } from '../../../loyalty/loyalty-summary.ts';
import { listPersonaPage, listPersonas, personaSorts, type PersonaListQuery } from '../../../personas/persona-list.ts';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { requireUser } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const ListQuery = z.object({
  // Control characters never belong in a search, and a line break could match across the name and the
  // email, which the search reads as one text (migration 0015).
  q: z
    .string()
    .trim()
    .max(200, 'Searches can be at most 200 characters.')
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'Searches cannot contain control characters such as tabs or line breaks.')
    .optional(),
  sourcedFrom: z.string().max(50).optional(),
  favoriteStoreId: z.uuid({ error: 'favoriteStoreId must be a store id.' }).optional(),
  loyalty: z.enum(['enrolled', 'not_enrolled'], { error: 'loyalty must be enrolled or not_enrolled.' }).optional(),
  archived: z.enum(['true', 'false'], { error: 'archived must be true or false.' }).optional(),
  sort: z.enum(personaSorts, { error: `sort must be one of ${personaSorts.join(', ')}.` }).default('last_visit'),
  direction: z.enum(['asc', 'desc'], { error: 'direction must be asc or desc.' }).optional(),
  limit: z.coerce.number().int().min(1, 'limit must be at least 1.').max(200, 'limit can be at most 200.').default(50),
  cursor: z.string().max(500).optional(),
});

function toListQuery(input: z.infer<typeof ListQuery>): PersonaListQuery {
  return {
    search: input.q,
    sourcedFrom: input.sourcedFrom,
    favoriteStoreId: input.favoriteStoreId,
    loyalty: input.loyalty,
    archived: input.archived === 'true',
    sort: input.sort,
    // Names read best A→Z; every other column most-first.
    direction: input.direction ?? (input.sort === 'name' ? 'asc' : 'desc'),
    limit: input.limit,
    cursor: input.cursor,
  };
}

const CSV_COLUMNS = ['Name', 'Email', 'Phone', 'Favorite store', 'Points', 'Lifetime spend', 'Visits', 'Last visit', 'Sourced from'] as const;

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function registerPersonaRoutes(app: FastifyInstance, { db }: AppContext): void {
  app.get('/api/personas', async (request) => {
    const user = await requireUser(db, request);
    const query = toListQuery(parseInput(ListQuery, request.query));
    return listPersonas(db, user.companyId, query);
  });

  /** The current filter as CSV, every page of it, streamed in chunks. The pages come without a total: a file shows none. */
  app.get('/api/personas/export.csv', async (request, reply) => {
    const user = await requireUser(db, request);
    const query = { ...toListQuery(parseInput(ListQuery, request.query)), limit: 200, cursor: undefined as string | undefined };
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="personas-${new Date().toISOString().slice(0, 10)}.csv"`);
    const lines: string[] = [CSV_COLUMNS.join(',')];
    for (;;) {
      const page = await listPersonaPage(db, user.companyId, query);
      for (const persona of page.personas) {
        lines.push(
          [persona.name, persona.email, persona.phone, persona.favoriteStore?.name, persona.points, persona.lifetimeSpend, persona.visits, persona.lastVisitAt, persona.sourcedFrom.join(' ')]
            .map(csvCell)
            .join(','),
        );
      }
      if (!page.nextCursor) break;
      query.cursor = page.nextCursor;
    }
    return lines.join('\r\n') + '\r\n';
  });

  app.get('/api/personas/:personaId', async (request) => {
    const user = await requireUser(db, request);
    const params = z.object({ personaId: z.uuid() }).safeParse(request.params);
    if (!params.success) throw notFound('That persona');
    const persona = await getPersonaDetail(db, user.companyId, params.data.personaId);
    if (!persona) throw notFound('That persona');
    return { persona, loyalty: await getPersonaLoyalty(db, user.companyId, persona) };
  });
}
