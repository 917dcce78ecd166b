// Lightspeed tokens never appear in clear text: not in any column of any table (nor hex or base64
// encoded), not in any log line at trace level, not in any API answer or error message. The key
// that protects them can be rotated, and a wrong key stops Patron at start, touching nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { loadCredentialForSync } from '../../src/integrations/credential-token.ts';
import type { Logger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { repoRoot } from '../sync/sync-harness.ts';
import { fillRoute, leakedForms, unfillableRoutes } from './route-walk.ts';

let emulator: Emulator;
let store: Store;
let server: TestServer;
let session: HttpSession;
let credentialId: string;
/** Every token this file hands to Patron, valid or not. */
const tokens: string[] = [];

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'secret-shop', customers: 60, sales: 120, seed: 5 });
  server = await startTestServer({ env: { LOG_LEVEL: 'trace', LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate }, jobs: true });
  session = new HttpSession(server.url);
  await session.signUp();
  tokens.push(store.token);
});
after(async () => {
  await server.close();
  await emulator.close();
});

const syncDeps = () =>
  createSyncDeps({ db: server.database.db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger: server.app.log as unknown as Logger });

/** Every row of every table (Patron's and the job queue's) as JSON text; bytea comes out as hex. */
async function databaseText(): Promise<{ text: string; tables: number }> {
  const tables = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE' ORDER BY 1, 2`.execute(server.database.db);
  const parts: string[] = [];
  for (const table of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM ${sql.table(`${table.schema}.${table.name}`)} t`.execute(server.database.db);
    for (const row of rows.rows) parts.push(`${table.schema}.${table.name}: ${row.row}`);
  }
  return { text: parts.join('\n'), tables: tables.rows.length };
}

test('no token in clear text or encoded: database, trace logs, API answers, error messages', async () => {
  const added = await session.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: 'secret-shop' });
  assert.equal(added.status, 201, added.text);
  credentialId = added.json.credential.id;
  assert.equal((await session.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true })).status, 200);
  assert.equal((await runCredentialSync(syncDeps(), credentialId, { reason: 'test' })).outcome, 'succeeded');

  // Error paths, each with a token that must not be echoed.
  const wrong = `lsxs_pt_${randomBytes(16).toString('hex')}`;
  tokens.push(wrong);
  const rejected = await session.request('PUT', `/api/connections/lightspeed-x/credentials/${credentialId}/token`, { token: wrong });
  assert.equal(rejected.status, 422);
  const revoked = store.createToken({ name: 'to revoke' });
  store.revokeToken(revoked.token);
  tokens.push(revoked.token);
  const revokedAdd = await session.post('/api/connections/lightspeed-x/credentials', { token: revoked.token, storeAddress: 'secret-shop' });
  assert.equal(revokedAdd.status, 422);
  const spaced = await session.post('/api/connections/lightspeed-x/credentials', { token: `${wrong} trailing`, storeAddress: 'secret-shop' });
  assert.ok(spaced.status >= 400 && spaced.status < 500);
  // The live token is revoked under a running credential: the sync fails, notifies, records its error.
  store.revokeToken(store.token);
  assert.equal((await runCredentialSync(syncDeps(), credentialId, { reason: 'test' })).outcome, 'auth_failed');
  const fresh = store.createToken({ name: 'replacement' });
  tokens.push(fresh.token);
  const replaced = await session.request('PUT', `/api/connections/lightspeed-x/credentials/${credentialId}/token`, { token: fresh.token });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal((await runCredentialSync(syncDeps(), credentialId, { reason: 'test' })).outcome, 'succeeded');
  const storeCreated = await session.post('/api/retail-stores', { name: 'Main Street', timeZone: 'America/New_York' });
  const persona = await server.database.db.selectFrom('personas').select('id').executeTakeFirstOrThrow();

  // API answers: every GET route, and the error answers collected above.
  assert.deepEqual(unfillableRoutes(server.app.routeList), [], 'routes with parameters this test cannot fill');
  const answers = [rejected.text, revokedAdd.text, spaced.text, replaced.text, added.text];
  let gets = 0;
  for (const route of server.app.routeList.filter((candidate) => candidate.method === 'GET')) {
    const path = fillRoute(route.url, { provider: 'lightspeed-x', credentialId, storeId: storeCreated.json?.store?.id ?? credentialId, personaId: persona.id });
    const response = await session.get(path);
    assert.ok(response.status < 500, `${route.url}: ${response.status}`);
    answers.push(`${route.url}: ${response.text}`);
    gets++;
  }
  for (const answer of answers) assert.deepEqual(leakedForms(answer, tokens), [], answer.slice(0, 300));

  // Logs at trace level, from the web server and the sync alike.
  const logText = server.logs.join('');
  assert.equal(server.config.logLevel, 'trace');
  assert.ok(server.logs.length > 20 && logText.includes('incoming request') && logText.includes('sync run finished'), 'request and sync lines were written');
  assert.deepEqual(leakedForms(logText, tokens), [], 'the log holds no token');

  // The database: every column of every table, the tokens' encodings included.
  const dump = await databaseText();
  assert.ok(dump.text.includes(credentialId) && dump.text.includes('sync_runs'), 'the dump is real');
  assert.deepEqual(leakedForms(dump.text, tokens), []);
  const stored = await server.database.db.selectFrom('credentials').select(['token_last4', 'token_ciphertext']).executeTakeFirstOrThrow();
  assert.equal(stored.token_last4, fresh.token.slice(-4));
  console.log(`# searched ${tokens.length} tokens in ${dump.tables} tables (${dump.text.length} chars), ${server.logs.length} log lines, ${gets} GET routes and ${answers.length - gets} error answers`);
});

type Run = { code: number | null; stdout: string; stderr: string };

function runPatron(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const credentialRows = async () =>
  (await sql<{ row: string }>`SELECT to_jsonb(c)::text AS row FROM credentials c ORDER BY id`.execute(server.database.db)).rows.map((row) => row.row);
const migrationCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations`.execute(server.database.db)).rows[0]!.n);

test('a wrong key stops `patron web` at start with a message naming PATRON_SECRET_KEY, and changes nothing', async () => {
  const before = { credentials: await credentialRows(), migrations: await migrationCount() };
  const dataDir = mkdtempSync(join(tmpdir(), 'patron-wrong-key-'));
  try {
    const run = await runPatron(['web'], { DATABASE_URL: server.database.url, PATRON_SECRET_KEY: randomBytes(32).toString('hex'), PATRON_DATA_DIR: dataDir });
    assert.notEqual(run.code, 0, 'a wrong key is a failed start');
    assert.match(run.stderr, /PATRON_SECRET_KEY/);
    assert.match(run.stderr, /does not decrypt the stored Lightspeed tokens/);
    assert.doesNotMatch(run.stdout, /Patron is running/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  assert.deepEqual({ credentials: await credentialRows(), migrations: await migrationCount() }, before);
});

test('`patron rotate-key` re-encrypts every token under the new key, from the variable or the key file', async () => {
  const oldKey = server.config.secretKey;
  const newKey = randomBytes(32);
  const dataDir = mkdtempSync(join(tmpdir(), 'patron-rotate-'));
  try {
    // A malformed new key, and a wrong current key, change nothing.
    const before = await credentialRows();
    const malformed = await runPatron(['rotate-key', '--new-key', 'abc'], { DATABASE_URL: server.database.url, PATRON_SECRET_KEY: oldKey.toString('hex'), PATRON_DATA_DIR: dataDir });
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /--new-key must be 64 hex characters/);
    const wrongCurrent = await runPatron(['rotate-key', '--new-key', newKey.toString('hex')], { DATABASE_URL: server.database.url, PATRON_SECRET_KEY: randomBytes(32).toString('hex'), PATRON_DATA_DIR: dataDir });
    assert.notEqual(wrongCurrent.code, 0);
    assert.match(wrongCurrent.stderr, /PATRON_SECRET_KEY/);
    assert.deepEqual(await credentialRows(), before);

    // From the environment variable: the operator is told to set it.
    const rotated = await runPatron(['rotate-key', '--new-key', newKey.toString('hex')], { DATABASE_URL: server.database.url, PATRON_SECRET_KEY: oldKey.toString('hex'), PATRON_DATA_DIR: dataDir });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /Re-encrypted 1 credential token under the new key/);
    assert.match(rotated.stdout, /set PATRON_SECRET_KEY to the new key/);
    const credential = await loadCredentialForSync(server.database.db, newKey, credentialId);
    assert.equal(credential?.token, tokens.at(-1));
    await assert.rejects(loadCredentialForSync(server.database.db, oldKey, credentialId), 'the old key no longer opens it');
    const deps = createSyncDeps({ db: server.database.db, secretKey: newKey, connectors: createConnectors(server.config), logger: server.app.log as unknown as Logger });
    assert.equal((await runCredentialSync(deps, credentialId, { reason: 'after rotation' })).outcome, 'succeeded');

    // From the data directory's key file: the file is rewritten.
    const keyFile = join(dataDir, 'secret.key');
    writeFileSync(keyFile, newKey.toString('hex') + '\n', { mode: 0o600 });
    const third = randomBytes(32);
    const fromFile = await runPatron(['rotate-key', `--new-key=${third.toString('hex')}`], { DATABASE_URL: server.database.url, PATRON_DATA_DIR: dataDir });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /now holds the new key/);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), third.toString('hex'));
    assert.equal((await loadCredentialForSync(server.database.db, third, credentialId))?.token, tokens.at(-1));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
