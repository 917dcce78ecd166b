// Identity resolution and aggregates against emulator stores over real HTTP and PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import type { Connectors } from '../integrations/connectors.ts';

let emulator: Emulator;
let database: TestDatabase;
let north: Store;
let south: Store;
let companyId: string;
let northId: string;
let southId: string;
let connectors: Connectors;
let secretKey: Buffer;

before(async () => {
  emulator = await startEmulator();
  // Two Lightspeed accounts of one chain, drawing on one pool of people: the same humans shop at both.
  north = emulator.createStore({ domainPrefix: 'north-shop', customers: 150, sales: 300, seed: 31, peopleSeed: 99 });
  south = emulator.createStore({ domainPrefix: 'south-shop', customers: 150, sales: 300, seed: 32, peopleSeed: 99, peopleOffset: 100 });
  database = await createTestDatabase();
  const first = await connectStore(database.db, emulator, 'north-shop');
  companyId = first.companyId;
  northId = first.credentialId;
  connectors = first.connectors;
  secretKey = first.secretKey;
  southId = (await connectStore(database.db, emulator, 'south-shop', { companyId, secretKey })).credentialId;
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const deps = () => createSyncDeps({ db: database.db, secretKey, connectors, logger: createLogger('silent') });
const syncBoth = async () => {
  for (const id of [northId, southId]) {
    const result = await runCredentialSync(deps(), id, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
  }
};
const personaOf = async (credentialId: string, externalId: string) =>
  (await database.db.selectFrom('source_customers').select(['persona_id', 'persona_exclusion']).where('credential_id', '=', credentialId).where('external_id', '=', externalId).executeTakeFirstOrThrow());

/** Every live persona's spend and visits equal a straight sum over the emulator's own sales. */
async function assertTotalsMatchEmulator() {
  const links = await database.db.selectFrom('source_customers').select(['credential_id', 'external_id', 'persona_id']).where('persona_id', 'is not', null).execute();
  const personaByCustomer = new Map(links.map((link) => [`${link.credential_id}:${link.external_id}`, link.persona_id!]));
  const expected = new Map<string, { spend: number; visits: number }>();
  for (const [credentialId, store] of [[northId, north], [southId, south]] as const) {
    for (const sale of store.snapshot('sales', { includeDeleted: true })) {
      const closed = sale.state === 'closed' || /CLOSED$/.test(String(sale.status));
      if (!closed || sale.deleted_at) continue;
      const persona = personaByCustomer.get(`${credentialId}:${String(sale.customer_id)}`);
      if (!persona) continue;
      const entry = expected.get(persona) ?? { spend: 0, visits: 0 };
      entry.spend += Number(sale.total_price) + Number(sale.total_tax);
      if (!sale.return_for) entry.visits += 1;
      expected.set(persona, entry);
    }
  }
  const personas = await database.db.selectFrom('personas').select(['id', 'lifetime_spend', 'visits']).where('archived_at', 'is', null).execute();
  let checked = 0;
  for (const persona of personas) {
    const want = expected.get(persona.id) ?? { spend: 0, visits: 0 };
    assert.ok(Math.abs(Number(persona.lifetime_spend) - want.spend) < 0.0001, `persona ${persona.id} spend ${persona.lifetime_spend} ≠ ${want.spend}`);
    assert.equal(persona.visits, want.visits, `persona ${persona.id} visits`);
    checked++;
  }
  return checked;
}

test('two accounts of one company: the same person becomes one persona with both sources', async () => {
  await syncBoth();
  const shared = await sql<{ persona_id: string; sources: number; credentials: number }>`
    SELECT persona_id, count(*)::int AS sources, count(DISTINCT credential_id)::int AS credentials
    FROM source_customers WHERE persona_id IS NOT NULL GROUP BY persona_id HAVING count(DISTINCT credential_id) > 1`.execute(database.db);
  assert.ok(shared.rows.length >= 20, `expected cross-store personas, got ${shared.rows.length}`);
  const persona = await database.db.selectFrom('personas').select(['sourced_from', 'archived_at']).where('id', '=', shared.rows[0]!.persona_id).executeTakeFirstOrThrow();
  assert.deepEqual(persona.sourced_from, ['lightspeed-x']);
  // The invariant: no email or phone belongs to two live personas.
  const clash = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM (
      SELECT email FROM personas WHERE archived_at IS NULL AND email IS NOT NULL GROUP BY email HAVING count(*) > 1) d`.execute(database.db);
  assert.equal(clash.rows[0]!.n, 0);
  const checked = await assertTotalsMatchEmulator();
  assert.ok(checked > 100);
});

test('walk-in and contact-less customers stay source records, counted with a reason', async () => {
  const walkIn = await personaOf(northId, north.walkInCustomerId);
  assert.equal(walkIn.persona_id, null);
  assert.equal(walkIn.persona_exclusion, 'walk_in');
  const nameless = north.createCustomer({ first_name: 'Quiet', last_name: 'Customer' });
  await syncBoth();
  const quiet = await personaOf(northId, nameless.id);
  assert.equal(quiet.persona_id, null);
  assert.equal(quiet.persona_exclusion, 'no_contact');
});

test('one phone typed three ways across stores and customers joins one persona', async () => {
  const a = north.createCustomer({ first_name: 'Pat', last_name: 'Phone', phone: '(555) 123-4567' });
  const b = south.createCustomer({ first_name: 'Patricia', last_name: 'Phone', mobile: '+1 555 123 4567' });
  const c = north.createCustomer({ first_name: 'P.', last_name: 'Phone', phone: '555.123.4567' });
  await syncBoth();
  const ids = new Set([(await personaOf(northId, a.id)).persona_id, (await personaOf(southId, b.id)).persona_id, (await personaOf(northId, c.id)).persona_id]);
  assert.equal(ids.size, 1);
  assert.ok([...ids][0]);
  const persona = await database.db.selectFrom('personas').select(['phone']).where('id', '=', [...ids][0]!).executeTakeFirstOrThrow();
  assert.equal(persona.phone, '+15551234567');
});

test('a later edit that makes two personas share an email merges them, and the merge is recorded', async () => {
  const first = north.createCustomer({ first_name: 'Ann', last_name: 'One', email: 'ann.one@example.test' });
  const second = south.createCustomer({ first_name: 'Ann', last_name: 'Two', email: 'ann.two@example.test' });
  north.createSale({ customerId: first.id });
  south.createSale({ customerId: second.id });
  await syncBoth();
  const before = [(await personaOf(northId, first.id)).persona_id!, (await personaOf(southId, second.id)).persona_id!];
  assert.notEqual(before[0], before[1]);
  south.updateCustomer(second.id, { email: 'ANN.ONE@example.test ' });
  await syncBoth();
  const after = [(await personaOf(northId, first.id)).persona_id, (await personaOf(southId, second.id)).persona_id];
  assert.equal(after[0], after[1]);
  const merge = await database.db.selectFrom('persona_merges').selectAll().where('survivor_id', '=', after[0]!).executeTakeFirstOrThrow();
  assert.ok(before.includes(merge.merged_id));
  const merged = await database.db.selectFrom('personas').select(['archived_at', 'merged_into']).where('id', '=', merge.merged_id).executeTakeFirstOrThrow();
  assert.ok(merged.archived_at);
  assert.equal(merged.merged_into, after[0]);
  const survivor = await database.db.selectFrom('personas').select(['visits']).where('id', '=', after[0]!).executeTakeFirstOrThrow();
  assert.equal(survivor.visits, 2, 'both shops’ sales count for the merged persona');
  await assertTotalsMatchEmulator();
});

test('deleting a customer unlinks it and archives a persona left with no source; it is never hard-deleted', async () => {
  const gone = north.createCustomer({ first_name: 'Gina', last_name: 'Gone', email: 'gina.gone@example.test' });
  await syncBoth();
  const personaId = (await personaOf(northId, gone.id)).persona_id!;
  north.deleteCustomer(gone.id);
  await syncBoth();
  const link = await personaOf(northId, gone.id);
  assert.equal(link.persona_id, null);
  assert.equal(link.persona_exclusion, 'deleted');
  const persona = await database.db.selectFrom('personas').select(['archived_at']).where('id', '=', personaId).executeTakeFirstOrThrow();
  assert.ok(persona.archived_at, 'archived, still there');
});

test('a Lightspeed back-office merge ends with one persona and correct totals', async () => {
  const keep = north.createCustomer({ first_name: 'Kim', last_name: 'Keep', email: 'kim.keep@example.test' });
  const dup = north.createCustomer({ first_name: 'Kimberly', last_name: 'Keep', email: 'kimberly.k@example.test' });
  north.createSale({ customerId: keep.id });
  north.createSale({ customerId: dup.id });
  north.createSale({ customerId: dup.id });
  await syncBoth();
  const dupPersona = (await personaOf(northId, dup.id)).persona_id!;
  north.mergeCustomers(keep.id, dup.id);
  await syncBoth();
  const keptPersona = (await personaOf(northId, keep.id)).persona_id!;
  const kept = await database.db.selectFrom('personas').select(['visits', 'archived_at']).where('id', '=', keptPersona).executeTakeFirstOrThrow();
  assert.equal(kept.visits, 3, 'the duplicate’s sales moved over');
  assert.equal(kept.archived_at, null);
  const old = await database.db.selectFrom('personas').select(['visits', 'archived_at']).where('id', '=', dupPersona).executeTakeFirstOrThrow();
  assert.ok(old.archived_at);
  assert.equal(old.visits, 0, 'the archived duplicate no longer counts the moved sales');
  await assertTotalsMatchEmulator();
});

test('a voided sale and a return heal the totals', async () => {
  const buyer = north.createCustomer({ first_name: 'Ray', last_name: 'Return', email: 'ray.return@example.test' });
  const kept = north.createSale({ customerId: buyer.id });
  const voided = north.createSale({ customerId: buyer.id });
  await syncBoth();
  north.voidSale(voided.id);
  const ret = north.startReturn(kept.id);
  north.completeReturn(ret.id);
  await syncBoth();
  const persona = await database.db.selectFrom('personas').select(['visits', 'lifetime_spend']).where('id', '=', (await personaOf(northId, buyer.id)).persona_id!).executeTakeFirstOrThrow();
  assert.equal(persona.visits, 1);
  assert.ok(Math.abs(Number(persona.lifetime_spend)) < 0.0001, `a fully returned sale nets to zero, got ${persona.lifetime_spend}`);
  await assertTotalsMatchEmulator();
});
