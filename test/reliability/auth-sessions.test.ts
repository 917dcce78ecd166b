// Authentication over the whole API, walked from the app's route list: no session → 401 everywhere
// but sign-up/sign-in/setup; an expired session → 401 everywhere; a state-changing call from another
// site → 403 everywhere; and the security headers on every kind of answer. Sign-out revoking a
// session and the sign-in slow-down are in src/http/routes/auth/auth-routes.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { fillRoute, publicRoutes, unfillableRoutes } from './route-walk.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const anyIds = () => ({ provider: 'lightspeed-x', credentialId: randomUUID(), storeId: randomUUID(), personaId: randomUUID() });
/** Sign-out without a session is a harmless no-op (it reveals and changes nothing), so it is not 401. */
const protectedRoutes = () => server.app.routeList.filter((route) => !publicRoutes.has(`${route.method} ${route.url}`) && route.url !== '/api/auth/sign-out');

function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  const csp = headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, `${what}: no inline scripts`);
}

test('without a session every API route but sign-up, sign-in and setup answers 401', async () => {
  assert.deepEqual(unfillableRoutes(server.app.routeList), []);
  let checked = 0;
  for (const route of protectedRoutes()) {
    const response = await fetch(server.url + fillRoute(route.url, anyIds()), {
      method: route.method,
      headers: route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' },
      body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
    });
    const label = `${route.method} ${route.url}`;
    assert.equal(response.status, 401, label);
    assert.equal((await response.json()).error.code, 'unauthenticated', label);
    assertSecurityHeaders(response.headers, label);
    checked++;
  }
  const setup = await fetch(server.url + '/api/setup');
  assert.equal(setup.status, 200);
  await setup.arrayBuffer();
  assert.ok(checked >= 25, `${checked} routes`);
  console.log(`# ${checked} protected routes answered 401 without a session`);
});

test('an expired session is refused on every protected route', async () => {
  const session = new HttpSession(server.url);
  const account = await session.signUp();
  assert.equal((await session.get('/api/auth/me')).status, 200);
  await server.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 60_000) }).where('user_id', '=', account.user.id).execute();
  for (const route of protectedRoutes()) {
    const response = await session.request(route.method, fillRoute(route.url, anyIds()), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
    assert.equal(response.status, 401, `${route.method} ${route.url} with an expired session`);
  }
  // Signing in again gives a new, working session.
  assert.equal((await session.post('/api/auth/sign-in', { email: account.email, password: account.password })).status, 200);
  assert.equal((await session.get('/api/auth/me')).status, 200);
});

test('every state-changing API call from another site is refused before it runs', async () => {
  const session = new HttpSession(server.url);
  await session.signUp();
  const before = await server.database.db.selectFrom('users').select('id').execute();
  let checked = 0;
  for (const route of server.app.routeList.filter((candidate) => candidate.method !== 'GET')) {
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1.evil.example`]) {
      const response = await session.request(route.method, fillRoute(route.url, anyIds()), route.method === 'DELETE' ? undefined : {}, { origin });
      assert.equal(response.status, 403, `${route.method} ${route.url} from ${origin}`);
      assert.equal(response.json.error.code, 'cross_site_request');
      assertSecurityHeaders(response.headers, `${route.url} 403`);
      checked++;
    }
  }
  // The same page's own origin is not refused.
  const own = await session.post('/api/users', { name: 'Same Site', email: 'same-site@example.test', password: 'long password 1' }, { origin: server.url });
  assert.equal(own.status, 201);
  assert.equal((await server.database.db.selectFrom('users').select('id').execute()).length, before.length + 1);
  console.log(`# ${checked} cross-site calls refused`);
});

test('security headers on pages, assets, API answers and every kind of error', async () => {
  const index = await fetch(server.url + '/');
  assert.equal(index.status, 200);
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const cases: Array<[string, RequestInit | undefined]> = [
    ['/', undefined],
    ['/personas', undefined],
    ['/settings/integrations', undefined],
    ['/healthz', undefined],
    ['/readyz', undefined],
    ['/api/setup', undefined],
    ['/api/nope', undefined],
    ['/api/auth/me', undefined],
    ['/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' }],
    ['/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'x'.repeat(300_000) }) }],
    ['/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }],
    ['/webhooks/lightspeed/0123456789abcdef0123', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'type=customer.update' }],
    ...(asset ? [[asset, undefined] as [string, undefined]] : []),
  ];
  const statuses: string[] = [];
  for (const [path, init] of cases) {
    const response = await fetch(server.url + path, init);
    statuses.push(`${path.slice(0, 40)} ${response.status}`);
    await response.arrayBuffer();
    assertSecurityHeaders(response.headers, `${path} (${response.status})`);
  }
  assert.ok(asset, 'the built SPA references a script asset');
  assert.ok(statuses.some((line) => line.endsWith(' 413')) && statuses.some((line) => line.endsWith(' 400')) && statuses.some((line) => line.endsWith(' 404')), statuses.join(', '));
});
