import type { RouteInfo } from '../../src/http/app.ts';

/** The route parameters the reliability tests know how to fill. A route with any other fails them. */
export type RouteParams = { provider: string; credentialId: string; storeId: string; personaId: string };

export const knownParams: ReadonlyArray<keyof RouteParams> = ['provider', 'credentialId', 'storeId', 'personaId'];

/** The `:name` parameters of a route URL. */
export function paramsOf(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
}

/**
 * Routes whose parameters no test knows how to fill. Non-empty means someone added a route with a
 * new kind of id: extend `RouteParams` (and the isolation test's ids of the other company) for it.
 */
export function unfillableRoutes(routes: RouteInfo[]): string[] {
  return routes
    .filter((route) => paramsOf(route.url).some((name) => !(knownParams as readonly string[]).includes(name)))
    .map((route) => `${route.method} ${route.url} (params: ${paramsOf(route.url).join(', ')})`);
}

export function fillRoute(url: string, params: RouteParams): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => {
    if (!(knownParams as readonly string[]).includes(name)) throw new Error(`no value for :${name} in ${url}`);
    return encodeURIComponent(params[name as keyof RouteParams]);
  });
}

/** Routes anyone may call without a session. */
export const publicRoutes = new Set(['POST /api/auth/sign-up', 'POST /api/auth/sign-in', 'GET /api/setup']);

/** Every way a token could be written down: as is, and its hex and base64 encodings. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url').replace(/=+$/, '')];
}

/** The forms of any of `secrets` that occur in `text` (hex compared case-insensitively). */
export function leakedForms(text: string, secrets: string[]): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      const isHex = /^[0-9a-f]+$/.test(form);
      if (isHex ? lower.includes(form) : text.includes(form)) found.push(form === secret ? `token …${secret.slice(-4)}` : `an encoding of token …${secret.slice(-4)}`);
    }
  }
  return found;
}
