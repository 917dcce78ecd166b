import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../../test/helpers/test-server.ts';
import { HttpSession } from '../../../../test/helpers/http-session.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

describe('sign-up', () => {
  test('rejects each bad field with a message that names it', async () => {
    const session = new HttpSession(server.url);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: 'A', email: 'a@example.com', password: 'long enough pw' }, 'companyName', /company name/i],
      [{ companyName: 'C', email: 'a@example.com', password: 'long enough pw' }, 'name', /name/i],
      [{ companyName: 'C', name: 'A', email: 'not-an-email', password: 'long enough pw' }, 'email', /valid email/i],
      [{ companyName: 'C', name: 'A', email: 'a@example.com', password: 'short' }, 'password', /at least 10/],
      [{ companyName: 'C', name: 'A\u0007', email: 'a@example.com', password: 'long enough pw' }, 'name', /control/],
      [{ companyName: 42, name: 'A', email: 'a@example.com', password: 'long enough pw' }, 'companyName', /company name/i],
    ];
    for (const [body, field, message] of cases) {
      const response = await session.post('/api/auth/sign-up', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.json.error.code, 'invalid_input');
      assert.equal(response.json.error.field, field);
      assert.match(response.json.error.message, message);
    }
    const users = await server.database.db.selectFrom('users').select('id').execute();
    assert.equal(users.length, 0, 'nothing is stored for rejected sign-ups');
  });

  test('creates the company and its admin, normalises the email, and refuses a duplicate', async () => {
    const session = new HttpSession(server.url);
    const account = await session.signUp({ email: '  Grace@Example.COM ' });
    assert.equal(account.user.email, 'grace@example.com');
    assert.equal(account.user.role, 'admin');
    const me = await session.get('/api/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.company.name, account.companyName);

    const again = await new HttpSession(server.url).post('/api/auth/sign-up', {
      companyName: 'Other',
      name: 'Other',
      email: 'grace@example.com',
      password: 'another long password',
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.error.field, 'email');
    const stored = await server.database.db.selectFrom('users').select(['email', 'password_hash']).where('email', '=', 'grace@example.com').execute();
    assert.equal(stored.length, 1);
    assert.match(stored[0]!.password_hash, /^scrypt\$/);
    assert.ok(!stored[0]!.password_hash.includes('correct horse'), 'the password is hashed');
  });
});

describe('sessions', () => {
  test('sign-in, sign-out and the session cookie', async () => {
    const first = new HttpSession(server.url);
    const account = await first.signUp();
    const signUpCookie = (await fetch(server.url + '/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    })).headers.get('set-cookie') ?? '';
    assert.match(signUpCookie, /HttpOnly/i);
    assert.match(signUpCookie, /SameSite=Lax/i);
    assert.doesNotMatch(signUpCookie, /Secure/i, 'plain http gets no Secure flag');

    const signedOut = await first.post('/api/auth/sign-out');
    assert.equal(signedOut.status, 200);
    assert.equal((await first.get('/api/auth/me')).status, 401);

    const second = new HttpSession(server.url);
    const wrong = await second.post('/api/auth/sign-in', { email: account.email, password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'wrong_credentials');
    const unknown = await second.post('/api/auth/sign-in', { email: 'nobody@example.com', password: 'whatever123' });
    assert.equal(unknown.status, 401, 'an unknown email gets the same answer as a wrong password');
    const right = await second.post('/api/auth/sign-in', { email: account.email.toUpperCase(), password: account.password });
    assert.equal(right.status, 200);
    assert.equal((await second.get('/api/auth/me')).json.user.email, account.email);
  });

  test('a stolen cookie stops working after sign-out, and the database holds only its hash', async () => {
    const session = new HttpSession(server.url);
    await session.signUp();
    const cookie = (session as unknown as { cookie: string }).cookie;
    const token = cookie.split('=')[1]!;
    const rows = await server.database.db.selectFrom('sessions').select('token_hash').execute();
    assert.ok(rows.every((row) => !row.token_hash.toString('utf8').includes(token)));
    await session.post('/api/auth/sign-out');
    const replay = await fetch(server.url + '/api/auth/me', { headers: { cookie } });
    assert.equal(replay.status, 401);
  });

  test('repeated wrong passwords are slowed down', async () => {
    const session = new HttpSession(server.url);
    const account = await session.signUp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      statuses.push((await new HttpSession(server.url).post('/api/auth/sign-in', { email: account.email, password: 'guess-' + attempt })).status);
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(5).includes(429), `expected a 429 after five failures, got ${statuses}`);
    const blocked = await new HttpSession(server.url).post('/api/auth/sign-in', { email: account.email, password: account.password });
    assert.equal(blocked.status, 429, 'even the right password waits out the delay');
    assert.match(blocked.json.error.message, /Try again in \d+ seconds/);
  });
});

describe('protection', () => {
  test('API calls without a session get 401', async () => {
    for (const path of ['/api/auth/me', '/api/users', '/api/notifications']) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 401, path);
      assert.equal((await response.json()).error.code, 'unauthenticated');
    }
  });

  test('cross-site POSTs are refused', async () => {
    const session = new HttpSession(server.url);
    const account = await session.signUp();
    const response = await session.post('/api/users', { name: 'Eve', email: 'eve@example.com', password: 'long password 1' }, { origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    assert.equal(response.json.error.code, 'cross_site_request');
    const users = await session.get('/api/users');
    assert.deepEqual(users.json.users.map((user: { email: string }) => user.email), [account.email]);
  });

  test('every response carries the security headers, and the SPA serves client routes', async () => {
    for (const path of ['/', '/personas', '/settings/integrations', '/healthz', '/api/setup']) {
      const response = await fetch(server.url + path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
    const page = await fetch(server.url + '/settings/integrations');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const missingApi = await fetch(server.url + '/api/nope');
    assert.equal(missingApi.status, 404);
    assert.equal((await missingApi.json()).error.code, 'not_found');
  });

  test('oversized and malformed bodies get clear 4xx answers', async () => {
    const huge = await fetch(server.url + '/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(400_000) }),
    });
    assert.equal(huge.status, 413);
    const garbage = await fetch(server.url + '/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    assert.equal(garbage.status, 400);
    assert.ok((await garbage.json()).error.message);
  });

  test('health and readiness probes answer', async () => {
    assert.deepEqual(await (await fetch(server.url + '/healthz')).json(), { status: 'ok' });
    assert.deepEqual(await (await fetch(server.url + '/readyz')).json(), { status: 'ready' });
  });
});
