// persona_search, the Personas search's own copy of name, email and phone (migration 0014; name and
// email as one lower-cased text since 0015): it follows every persona through the sync's changes,
// and the sales' updates of totals and points never write it, which is why it exists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { createCompanyWithAdmin } from '../accounts/accounts.ts';
import { listMigrations } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import { listPersonas, type PersonaListQuery } from './persona-list.ts';

let emulator: Emulator;
let database: TestDatabase;
let store: Store;
let companyId: string;
let sync: () => Promise<void>;

before(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  store = emulator.createStore({ domainPrefix: 'search-shop', customers: 40, sales: 60, seed: 71 });
  const connected = await connectStore(database.db, emulator, 'search-shop');
  companyId = connected.companyId;
  const deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  sync = async () => {
    const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
  };
  await sync();
});
after(async () => {
  await database.drop();
  await emulator.close();
});

/** Personas whose search row is missing, left over, or says something else than the persona. */
async function searchRowsOutOfStep(): Promise<unknown[]> {
  const result = await sql`
    SELECT p.id AS persona, s.persona_id AS search_row FROM personas p
    FULL JOIN persona_search s ON s.persona_id = p.id
    WHERE (p.id, p.company_id, CASE WHEN p.archived_at IS NULL THEN 'live' WHEN p.merged_into IS NULL THEN 'archived' ELSE 'merged' END,
        p.sourced_from, p.age_gate_passed, p.favorite_store_id, p.full_name, lower(p.full_name || E'\n' || coalesce(p.email, '')), p.phone)
      IS DISTINCT FROM (s.persona_id, s.company_id, s.list, s.sourced_from, s.age_gate_passed, s.favorite_store_id, s.full_name, s.search_text, s.phone)`.execute(database.db);
  return result.rows;
}

const search = async (text: string) =>
  (await listPersonas(database.db, companyId, { sort: 'last_visit', direction: 'desc', limit: 50, search: text })).personas.map((row) => row.id);

test('every persona the sync creates, renames, re-addresses, archives or merges has its search row, up to date', async () => {
  const personas = await database.db.selectFrom('personas').select('id').where('company_id', '=', companyId).execute();
  assert.ok(personas.length > 20);
  assert.deepEqual(await searchRowsOutOfStep(), []);

  const customers = store.snapshot('customers').filter((customer) => customer.email);
  const renamed = String(customers[0]!.id);
  const reAddressed = String(customers[1]!.id);
  const [kept, duplicate] = [String(customers[2]!.id), String(customers[3]!.id)];
  const gone = String(customers[4]!.id);
  const oldLastName = String(customers[0]!.last_name);
  store.updateCustomer(renamed, { first_name: 'Zebulon', last_name: 'Quackenbush' });
  store.updateCustomer(reAddressed, { email: 'brand.new.address@search.example.test', phone: '+1 212 555 0199', mobile: '+1 212 555 0199' });
  store.mergeCustomers(kept, duplicate);
  store.deleteCustomer(gone);
  await sync();
  assert.deepEqual(await searchRowsOutOfStep(), []);

  const personaOf = async (externalId: string) =>
    (await database.db.selectFrom('source_customers').select('persona_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).persona_id!;
  assert.deepEqual(await search('quackenbush'), [await personaOf(renamed)], 'the new name is found');
  assert.ok(!(await search(oldLastName)).includes(await personaOf(renamed)), 'the old name is not');
  assert.deepEqual(await search('brand.new.address@'), [await personaOf(reAddressed)], 'the new email is found');
  assert.ok((await search('212 555 0199')).includes(await personaOf(reAddressed)), 'the new phone is found, typed the national way');
});

test('a synced sale updates its buyer’s totals and points, and leaves the search row alone', async () => {
  const buyer = store.snapshot('customers').find((customer) => customer.email && !customer.deleted_at)!;
  const personaId = (await database.db.selectFrom('source_customers').select('persona_id').where('external_id', '=', String(buyer.id)).executeTakeFirstOrThrow()).persona_id!;
  const versions = async () =>
    (await sql<{ persona: string; search: string }>`
      SELECT p.xmin::text AS persona, s.xmin::text AS search FROM personas p JOIN persona_search s ON s.persona_id = p.id WHERE p.id = ${personaId}`.execute(database.db)).rows[0]!;
  const before = await versions();
  store.createSale({ customerId: String(buyer.id) });
  await sync();
  const after = await versions();
  assert.notEqual(after.persona, before.persona, 'the persona row was rewritten with its new totals');
  assert.equal(after.search, before.search, 'the search row was not');
});

test('a search’s total, counted in persona_search, equals the rows listed under every filter', async () => {
  // Give the filters something to tell apart: a favorite store and a failed age gate here and there.
  const store = await database.db.insertInto('retail_stores').values({ company_id: companyId, name: 'Downtown', time_zone: 'America/New_York' }).returning('id').executeTakeFirstOrThrow();
  await sql`UPDATE personas SET favorite_store_id = ${store.id} WHERE company_id = ${companyId} AND visits > 1`.execute(database.db);
  await sql`UPDATE personas SET age_gate_passed = false WHERE company_id = ${companyId} AND lifetime_spend < 100`.execute(database.db);
  assert.deepEqual(await searchRowsOutOfStep(), []);
  const sample = (await database.db.selectFrom('personas').select(['full_name', 'email']).where('company_id', '=', companyId).where('email', 'is not', null).limit(3).execute()).flatMap(
    (row) => [row.full_name.split(' ')[0]!.slice(0, 3), row.email!.slice(0, 2)],
  );
  const filters: Array<Partial<PersonaListQuery>> = [
    {},
    { archived: true },
    { loyalty: 'enrolled' },
    { loyalty: 'not_enrolled' },
    { favoriteStoreId: store.id },
    { sourcedFrom: 'lightspeed' },
  ];
  let compared = 0;
  for (const search of sample) {
    for (const filter of filters) {
      const listed = await listPersonas(database.db, companyId, { sort: 'name', direction: 'asc', limit: 500, search, ...filter });
      assert.equal(listed.total, listed.personas.length, `total of "${search}" with ${JSON.stringify(filter)} matches the rows listed`);
      compared += listed.total;
    }
  }
  assert.ok(compared > 0, 'the searches found someone');
});

test('personas written by hand get their search rows too, and lose them with their company', async () => {
  const other = await createCompanyWithAdmin(database.db, { companyName: 'Other Shop', name: 'Owner', email: 'owner@other.example.test', password: 'long password 1' });
  await sql`INSERT INTO personas (company_id, first_name, email) SELECT ${other.companyId}::uuid, 'Typed' || i, 'typed' || i || '@other.example.test' FROM generate_series(1, 30) AS i`.execute(database.db);
  assert.deepEqual(await searchRowsOutOfStep(), []);
  await database.db.deleteFrom('companies').where('id', '=', other.companyId).execute();
  assert.deepEqual(await searchRowsOutOfStep(), []);
  assert.equal((await database.db.selectFrom('persona_search').select('persona_id').where('company_id', '=', other.companyId).execute()).length, 0);
});

test('a search finds a name or an email in any case, and never a match spanning the two', async () => {
  const other = await createCompanyWithAdmin(database.db, { companyName: 'Case Shop', name: 'Owner', email: 'owner@case.example.test', password: 'long password 1' });
  await database.db.insertInto('personas').values({ company_id: other.companyId, first_name: 'Ann', last_name: 'Lee', email: 'Zed.Quill@Example.test' }).execute();
  const names = async (text: string) => {
    const found = await Promise.all(
      (['name', 'last_visit'] as const).map(async (sort) => (await listPersonas(database.db, other.companyId, { sort, direction: 'asc', limit: 50, search: text })).personas.map((row) => row.name)),
    );
    // Sorted by name, a search is read from persona_search alone; otherwise through the persona rows too.
    assert.deepEqual(found[0], found[1], `both ways of reading "${text}" agree`);
    return found[0];
  };
  for (const text of ['ann lee', 'ANN', 'zed.quill@example', 'QUILL@EXAMPLE.TEST', 'e.t']) assert.deepEqual(await names(text), ['Ann Lee'], text);
  for (const text of ['leezed', 'lee zed', 'ann lee zed', 'test ann']) assert.deepEqual(await names(text), [], text);
  await database.db.deleteFrom('companies').where('id', '=', other.companyId).execute();
});

test('migrations 0014 and 0015 copy the personas already there', async () => {
  const [first, second] = [14, 15].map((id) => listMigrations().find((candidate) => candidate.id === id)!);
  // Back to the schema before 0014, with the personas as they are.
  await sql`
    DROP TABLE persona_search; DROP FUNCTION persona_search_insert() CASCADE; DROP FUNCTION persona_search_update() CASCADE;
    DROP FUNCTION persona_list_of(timestamptz, uuid); DROP FUNCTION persona_search_text(text, text);
    CREATE INDEX personas_name_trgm_idx ON personas USING gin (full_name gin_trgm_ops);
    CREATE INDEX personas_email_trgm_idx ON personas USING gin (email gin_trgm_ops);
    CREATE INDEX personas_phone_trgm_idx ON personas USING gin (phone gin_trgm_ops)`.execute(database.db);
  for (const migration of [first!, second!]) await database.db.transaction().execute((trx) => sql.raw(migration.sql).execute(trx));
  assert.deepEqual(await searchRowsOutOfStep(), []);
  assert.ok((await database.db.selectFrom('persona_search').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n > 20);
  // The triggers write the new shape too.
  await sql`UPDATE personas SET email = 'Moved.' || email WHERE company_id = ${companyId} AND email IS NOT NULL`.execute(database.db);
  assert.deepEqual(await searchRowsOutOfStep(), []);
});
