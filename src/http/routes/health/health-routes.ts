import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';

export function registerHealthRoutes(app: FastifyInstance, { db }: AppContext): void {
  /** Liveness: the process answers. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Readiness: the database answers too; load balancers should route only to ready processes. */
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(db);
      return { status: 'ready' };
    } catch {
      reply.code(503);
      return { status: 'unavailable', error: { code: 'database_unavailable', message: 'The database is not reachable.' } };
    }
  });
}
