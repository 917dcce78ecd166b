import type { FastifyInstance } from 'fastify';
import { listOpenNotifications } from '../../../notifications/notifications.ts';
import type { AppContext } from '../../context.ts';
import { requireUser } from '../../session-auth.ts';

export function registerNotificationRoutes(app: FastifyInstance, { db }: AppContext): void {
  app.get('/api/notifications', async (request) => {
    const user = await requireUser(db, request);
    const notifications = await listOpenNotifications(db, user.companyId);
    return { notifications, count: notifications.length };
  });
}
