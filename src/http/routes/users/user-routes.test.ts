import { after, before, test } from 'node:test';
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

test('an admin adds users to their own company only, and each company sees only its own', async () => {
  const acme = new HttpSession(server.url);
  const acmeAccount = await acme.signUp({ companyName: 'Acme' });
  const globex = new HttpSession(server.url);
  const globexAccount = await globex.signUp({ companyName: 'Globex' });

  const added = await acme.post('/api/users', { name: 'Mia Member', email: 'mia@acme.test', password: 'member password', role: 'member' });
  assert.equal(added.status, 201);
  assert.equal(added.json.user.role, 'member');

  const acmeUsers = (await acme.get('/api/users')).json.users.map((user: { email: string }) => user.email).sort();
  assert.deepEqual(acmeUsers, [acmeAccount.email, 'mia@acme.test'].sort());
  const globexUsers = (await globex.get('/api/users')).json.users.map((user: { email: string }) => user.email);
  assert.deepEqual(globexUsers, [globexAccount.email], 'Globex cannot see Acme users');

  // A company id smuggled into the body is ignored: the session decides the company.
  await globex.post('/api/users', { name: 'Sly', email: 'sly@globex.test', password: 'sly password 1', companyId: acmeAccount.company.id });
  const acmeAfter = (await acme.get('/api/users')).json.users.map((user: { email: string }) => user.email);
  assert.ok(!acmeAfter.includes('sly@globex.test'));
});

test('a member cannot add users, and the new user can sign in', async () => {
  const admin = new HttpSession(server.url);
  await admin.signUp();
  await admin.post('/api/users', { name: 'Max', email: 'max@example.test', password: 'max password 1', role: 'member' });
  const member = new HttpSession(server.url);
  const signIn = await member.post('/api/auth/sign-in', { email: 'max@example.test', password: 'max password 1' });
  assert.equal(signIn.status, 200);
  const refused = await member.post('/api/users', { name: 'X', email: 'x@example.test', password: 'x password 12' });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'forbidden');
});

test('adding a user validates like sign-up', async () => {
  const admin = new HttpSession(server.url);
  const account = await admin.signUp();
  const duplicate = await admin.post('/api/users', { name: 'Dup', email: account.email, password: 'dup password 1' });
  assert.equal(duplicate.status, 409);
  const badRole = await admin.post('/api/users', { name: 'R', email: 'r@example.test', password: 'r password 12', role: 'owner' });
  assert.equal(badRole.status, 400);
  assert.equal(badRole.json.error.field, 'role');
});
