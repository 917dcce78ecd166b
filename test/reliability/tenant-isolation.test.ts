// Company B, signed in, calls every API route (walked from the app's own route list, so a new route
// is covered the day it is added) with company A's real ids in the path and the body. Every answer
// must be a refusal or B's own data, never A's; afterwards every row of company A is unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import type { RouteInfo } from '../../src/http/app.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { fillRoute, paramsOf, unfillableRoutes } from './route-walk.ts';
import { companySnapshot, setUpCompany, type Company } from './two-companies.ts';

let emulator: Emulator;
let server: TestServer;
let a: Company;
let b: Company;

before(async () => {
  emulator = await startEmulator();
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  a = await setUpCompany(server, emulator, 'alpha-shop', 11);
  b = await setUpCompany(server, emulator, 'bravo-shop', 12);
});
after(async () => {
  await server.close();
  await emulator.close();
});

/** A body each route would accept if the ids in it were B's own; A's ids are put where ids go. */
function bodyFor(route: RouteInfo, owner: Company, other: Company): unknown {
  switch (`${route.method} ${route.url}`) {
    case 'POST /api/users':
      return { name: 'Mallory', email: `mallory-${randomUUID().slice(0, 8)}@example.test`, password: 'long password 1', role: 'admin' };
    case 'POST /api/connections/:provider/credentials':
      return { token: `lsxs_pt_${randomUUID().replace(/-/g, '')}`, storeAddress: other.store.domainPrefix };
    case 'PUT /api/connections/:provider/credentials/:credentialId/token':
      // B's own, valid token, aimed at A's credential.
      return { token: owner.store.token };
    case 'PUT /api/connections/:provider':
      return { ageGateConfirmed: true };
    case 'POST /api/retail-stores':
      return { name: 'Bravo pop-up', timeZone: 'UTC' };
    case 'PUT /api/retail-stores/:storeId':
      return { name: 'Hijacked', timeZone: 'UTC', active: false };
    case 'PUT /api/retail-stores/:storeId/mappings':
      return { locationIds: owner.locationIds.slice(0, 1) };
    case 'PUT /api/loyalty/program':
      return { pointsPerUnit: 2, basis: 'tax_inclusive', startDate: null, earningAttributes: [], minimumAge: null, blockedEmails: [], blockedPhones: [], blockPosStaff: true };
    case 'POST /api/personas/:personaId/points':
      return { points: 1000, reason: 'moving points', requestId: randomUUID() };
    default:
      return route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
  }
}

/** A's identifiers and personal data that must never appear in an answer to B. */
function secretsOf(company: Company): string[] {
  return [
    company.companyId,
    company.companyName,
    company.email,
    company.credentialId,
    company.webhookSecret,
    company.store.domainPrefix,
    company.store.token,
    ...company.storeIds,
    ...company.locationIds,
    ...company.personaIds,
    ...company.personaEmails,
  ];
}

test('every API route, called by company B with company A’s ids, refuses or answers with B’s data only', async () => {
  const routes = server.app.routeList;
  assert.deepEqual(unfillableRoutes(routes), [], 'new route parameters: teach this test which of company A’s ids to use');
  const before = await companySnapshot(server, a);
  const aSecrets = secretsOf(a);
  // Signing out ends B's session, so it goes last.
  const ordered = [...routes].sort((x, y) => Number(x.url === '/api/auth/sign-out') - Number(y.url === '/api/auth/sign-out'));
  const results: string[] = [];
  let checked = 0;
  for (const route of ordered) {
    const params = paramsOf(route.url);
    const pointsAtOther = params.some((name) => name !== 'provider');
    let path = fillRoute(route.url, { provider: 'lightspeed-x', credentialId: a.credentialId, storeId: a.storeIds[0]!, personaId: a.personaIds[0]! });
    if (route.method === 'DELETE') path += '?data=purge';
    const response = await b.session.request(route.method, path, bodyFor(route, b, a));
    const label = `${route.method} ${route.url} → ${response.status}`;
    results.push(label);
    if (pointsAtOther) {
      assert.ok([400, 403, 404].includes(response.status), `${label}: ${response.text.slice(0, 300)}`);
    } else {
      assert.ok(response.status < 500, `${label}: ${response.text.slice(0, 300)}`);
    }
    // What B sent may come back (it is B's own input); nothing else of A's may.
    const leaked = aSecrets.filter((secret) => !path.includes(secret) && response.text.includes(secret));
    assert.deepEqual(leaked, [], `${label} answered with company A's data`);
    checked++;
  }

  // Ids of A inside B's own requests: a mapping of A's outlet into B's store, a persona filter on
  // A's store, a search for A's customers.
  await b.session.post('/api/auth/sign-in', { email: b.email, password: b.password });
  assert.equal((await b.session.get('/api/auth/me')).status, 200);
  const mapping = await b.session.request('PUT', `/api/retail-stores/${b.storeIds[0]}/mappings`, { locationIds: a.locationIds });
  assert.ok([400, 403, 404, 422].includes(mapping.status), `mapping A's outlets into B's store: ${mapping.status} ${mapping.text}`);
  const crossQueries = [
    `/api/personas?favoriteStoreId=${a.storeIds[0]}`,
    `/api/personas?q=${encodeURIComponent(a.personaEmails[0]!)}`,
    `/api/personas/export.csv?q=${encodeURIComponent(a.personaEmails[0]!)}`,
    `/api/personas?sourcedFrom=lightspeed-x&limit=200`,
  ];
  for (const query of crossQueries) {
    const response = await b.session.get(query);
    assert.ok(response.status < 500, `${query}: ${response.status}`);
    const leaked = aSecrets.filter((secret) => !query.includes(secret) && response.text.includes(secret));
    assert.deepEqual(leaked, [], `${query} answered with company A's data`);
    checked++;
  }

  const afterwards = await companySnapshot(server, a);
  for (const [table, rows] of before) assert.deepEqual(afterwards.get(table), rows, `company A's ${table} changed`);
  assert.ok(before.size >= 10, `compared ${before.size} tables of company A`);
  // A is still fully working.
  const aPersona = await a.session.get(`/api/personas/${a.personaIds[0]}`);
  assert.equal(aPersona.status, 200);
  console.log(`# routes checked for isolation: ${routes.length} (+${crossQueries.length + 1} cross-company references); ${before.size} tables of company A unchanged`);
  console.log(`# ${results.join('; ')}`);
  assert.ok(checked >= routes.length);
});
