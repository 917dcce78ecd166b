import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Emulator, Store } from '../../emulator/index.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { HttpSession } from '../helpers/http-session.ts';
import type { TestServer } from '../helpers/test-server.ts';

/** A company set up through the API as a retailer would, with everything a route can point at. */
export type Company = {
  session: HttpSession;
  companyId: string;
  companyName: string;
  email: string;
  password: string;
  store: Store;
  credentialId: string;
  webhookSecret: string;
  storeIds: string[];
  locationIds: string[];
  personaIds: string[];
  personaEmails: string[];
};

export async function setUpCompany(server: TestServer, emulator: Emulator, prefix: string, seed: number): Promise<Company> {
  const { db } = server.database;
  const store = emulator.createStore({ domainPrefix: prefix, customers: 40, sales: 80, seed, peopleSeed: seed * 7 });
  const session = new HttpSession(server.url);
  const account = await session.signUp({ companyName: `Company ${prefix}` });
  const expectStatus = (what: string, response: { status: number; text: string }, status: number) => {
    if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text}`);
  };
  const added = await session.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: prefix });
  expectStatus('add credential', added, 201);
  const credentialId: string = added.json.credential.id;
  expectStatus('update connection', await session.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true }), 200);
  const deps = createSyncDeps({ db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger: createLogger('silent') });
  const synced = await runCredentialSync(deps, credentialId, { reason: 'setup' });
  if (synced.outcome !== 'succeeded') throw new Error(`sync of ${prefix}: ${JSON.stringify(synced)}`);

  const created = await session.post('/api/retail-stores', { name: `${prefix} flagship`, timeZone: 'America/Chicago' });
  expectStatus('create store', created, 201);
  const locations = await db.selectFrom('source_locations').select('id').where('credential_id', '=', credentialId).orderBy('id').execute();
  expectStatus('map store', await session.request('PUT', `/api/retail-stores/${created.json.store.id}/mappings`, { locationIds: [locations[0]!.id] }), 200);
  const stores = await db.selectFrom('retail_stores').select('id').where('company_id', '=', account.company.id).execute();
  const personas = await db.selectFrom('personas').select(['id', 'email']).where('company_id', '=', account.company.id).where('archived_at', 'is', null).orderBy('id').execute();
  expectStatus('adjust points', await session.post(`/api/personas/${personas[0]!.id}/points`, { points: 25, reason: 'welcome gift', requestId: randomUUID() }), 201);
  const secret = await db.selectFrom('credentials').select('webhook_secret').where('id', '=', credentialId).executeTakeFirstOrThrow();
  return {
    session,
    companyId: account.company.id,
    companyName: account.companyName,
    email: account.email,
    password: account.password,
    store,
    credentialId,
    webhookSecret: secret.webhook_secret,
    storeIds: stores.map((row) => row.id),
    locationIds: locations.map((row) => row.id),
    personaIds: personas.map((row) => row.id),
    personaEmails: personas.map((row) => row.email).filter((email): email is string => Boolean(email)),
  };
}

/**
 * Every row that belongs to a company, as text: rows of tables with a company_id, and rows of tables
 * keyed by one of its credentials or personas. Two snapshots are equal when nothing of it changed.
 */
export async function companySnapshot(server: TestServer, company: Company): Promise<Map<string, string[]>> {
  const { db } = server.database;
  const columns = await sql<{ table: string; column: string }>`
    SELECT table_name AS table, column_name AS column FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name IN ('company_id', 'credential_id', 'persona_id')
    ORDER BY 1, 2`.execute(db);
  const personaIds = (await db.selectFrom('personas').select('id').where('company_id', '=', company.companyId).execute()).map((row) => row.id);
  const snapshot = new Map<string, string[]>();
  for (const { table, column } of columns.rows) {
    if (snapshot.has(table)) continue;
    const ids = column === 'company_id' ? [company.companyId] : column === 'credential_id' ? [company.credentialId] : personaIds;
    if (ids.length === 0) continue;
    const rows = await sql<{ row: string }>`
      SELECT to_jsonb(t)::text AS row FROM ${sql.table(table)} t WHERE ${sql.ref(column)} IN (${sql.join(ids)}) ORDER BY 1`.execute(db);
    snapshot.set(table, rows.rows.map((row) => row.row));
  }
  return snapshot;
}
