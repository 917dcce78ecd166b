import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addUser, listUsers } from '../../../accounts/accounts.ts';
import type { AppContext } from '../../context.ts';
import { emailField, newPasswordField, personNameField } from '../../fields.ts';
import { requireAdmin, requireUser } from '../../session-auth.ts';
import { parseInput } from '../../validation.ts';

const AddUserBody = z.object({
  name: personNameField,
  email: emailField,
  password: newPasswordField,
  role: z.enum(['admin', 'member'], { error: 'Role must be admin or member.' }).default('member'),
});

export function registerUserRoutes(app: FastifyInstance, { db }: AppContext): void {
  app.get('/api/users', async (request) => {
    const user = await requireUser(db, request);
    return { users: await listUsers(db, user.companyId) };
  });

  app.post('/api/users', async (request, reply) => {
    const admin = await requireAdmin(db, request);
    const body = parseInput(AddUserBody, request.body);
    const user = await addUser(db, admin.companyId, body);
    reply.code(201);
    return { user };
  });
}
