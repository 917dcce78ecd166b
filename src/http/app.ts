import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { ZodError } from 'zod';
import { join } from 'node:path';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import { registerAuthRoutes } from './routes/auth/auth-routes.ts';
import { registerUserRoutes } from './routes/users/user-routes.ts';
import { registerNotificationRoutes } from './routes/notifications/notification-routes.ts';
import { registerHealthRoutes } from './routes/health/health-routes.ts';
import { registerIntegrationRoutes } from './routes/integrations/integration-routes.ts';
import { registerSyncRoutes } from './routes/sync/sync-routes.ts';
import { registerWebhookRoutes } from './routes/webhooks/webhook-routes.ts';
import { registerPersonaRoutes } from './routes/personas/persona-routes.ts';
import { registerStoreRoutes } from './routes/stores/store-routes.ts';
import { registerLoyaltyRoutes } from './routes/loyalty/loyalty-routes.ts';
import { registerOnboardingRoutes } from './routes/onboarding/onboarding-routes.ts';

/** Where `npm run build:web` puts the SPA. */
export const webDistDir = join(import.meta.dirname, '..', '..', 'dist', 'web');

const BODY_LIMIT_BYTES = 256 * 1024;

export type RouteInfo = { method: string; url: string };

/**
 * Builds the HTTP app: JSON API under /api, health probes, and the SPA for every other GET.
 * `app.routeList` lists every API route, so tests can walk all of them (tenant isolation).
 */
export async function buildApp(context: AppContext): Promise<FastifyInstance & { routeList: RouteInfo[] }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: context.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: Boolean(context.config.publicUrl),
  });
  const routeList: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD' && route.url.startsWith('/api/')) routeList.push({ method, url: route.url });
    }
  });

  await app.register(fastifyCookie);
  addSecurityHooks(app);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message, field: error.field } });
    }
    if (error instanceof ZodError) {
      // A schema parse that a handler did not route through parseInput is still the caller's mistake.
      const issue = error.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      return reply.code(400).send({ error: { code: 'invalid_input', message: issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'The request is not valid.', field } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({ error: { code: 'body_too_large', message: `Request bodies are limited to ${BODY_LIMIT_BYTES / 1024} KiB.` } });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'bad_request', message: (error as Error).message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on our side. Try again; if it persists, check the server log.' } });
  });

  registerHealthRoutes(app, context);
  registerAuthRoutes(app, context);
  registerUserRoutes(app, context);
  registerNotificationRoutes(app, context);
  registerIntegrationRoutes(app, context);
  registerSyncRoutes(app, context);
  registerWebhookRoutes(app, context);
  registerPersonaRoutes(app, context);
  registerStoreRoutes(app, context);
  registerLoyaltyRoutes(app, context);
  registerOnboardingRoutes(app, context);

  await serveWebApp(app);
  return Object.assign(app, { routeList });
}

/**
 * Headers for every response, and the cross-site request check: a state-changing API call must come
 * from a page of this origin (browsers always send Origin on cross-site POSTs).
 */
function addSecurityHooks(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    const origin = request.headers.origin;
    if (origin && origin !== 'null') {
      const originHost = safeHost(origin);
      if (originHost !== request.headers.host) {
        throw new AppError(403, 'cross_site_request', 'Requests from other sites are not allowed.');
      }
    } else if (origin === 'null') {
      throw new AppError(403, 'cross_site_request', 'Requests from other sites are not allowed.');
    }
  });
  // PostgreSQL cannot store a NUL character in text: refused here, for every body and query string,
  // as the caller's mistake (400) rather than failing deep in a query as a 500.
  app.addHook('preHandler', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (containsNul(request.body) || containsNul(request.query)) {
      throw new AppError(400, 'invalid_input', 'Text cannot contain NUL (\\u0000) characters.');
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
  });
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  }
  return false;
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

async function serveWebApp(app: FastifyInstance): Promise<void> {
  const hasBuild = existsSync(join(webDistDir, 'index.html'));
  if (hasBuild) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' || request.url.startsWith('/api/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` } });
    }
    if (!hasBuild) {
      return reply.code(503).type('text/plain').send('The web app is not built yet: run `npm run build:web`.');
    }
    // Client-side routes (/personas, /settings/…) all load the SPA.
    return reply.type('text/html').sendFile('index.html');
  });
}
