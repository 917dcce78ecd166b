// Loyalty points from emulator sales, behind the age gate, exact under replays, resyncs and merges.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEmulator, type Emulator, type Store } from '../../emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { expectedBalances } from '../../test/helpers/expected-points.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import { updateConnection } from '../integrations/connections.ts';
import { defaultIntegrationSettings } from '../integrations/integration-settings.ts';
import { applyAgeGateChange } from './age-gate.ts';
import { defaultProgram, saveLoyaltyProgram } from './loyalty-program.ts';
import { getLoyaltySummary } from './loyalty-summary.ts';

let emulator: Emulator;
let store: Store;
let database: TestDatabase;
let companyId: string;
let userId: string;
let credentialId: string;
let sync: () => Promise<void>;

before(async () => {
  emulator = await startEmulator();
  store = emulator.createStore({ domainPrefix: 'points-shop', customers: 80, sales: 200, seed: 61 });
  database = await createTestDatabase();
  const connected = await connectStore(database.db, emulator, 'points-shop', { ageGate: false });
  ({ companyId, userId, credentialId } = connected);
  const deps = createSyncDeps({ db: database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  sync = async () => {
    const result = await runCredentialSync(deps, credentialId, { reason: 'test' });
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result));
  };
  await sync();
});
after(async () => {
  await database.drop();
  await emulator.close();
});

const setAgeGate = async (confirmed: boolean) => {
  const saved = await updateConnection(database.db, companyId, userId, 'lightspeed-x', { ageGateConfirmed: confirmed, settings: defaultIntegrationSettings });
  if (saved.ageGateChanged) await applyAgeGateChange(database.db, companyId, saved.connectionId);
};
const balances = async () => new Map((await database.db.selectFrom('personas').select(['id', 'points_balance']).execute()).map((p) => [p.id, Number(p.points_balance)]));
const balanceOf = async (email: string) => Number((await database.db.selectFrom('personas').select('points_balance').where('email', '=', email).where('archived_at', 'is', null).executeTakeFirstOrThrow()).points_balance);
const ledgerRows = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_ledger`.execute(database.db)).rows[0]!.n);

async function assertBalancesMatch(isMember: (personaId: string) => boolean = () => true) {
  const expected = await expectedBalances(database.db, [{ credentialId, store }], defaultProgram, isMember);
  const actual = await balances();
  for (const [persona, points] of actual) {
    assert.equal(points, expected.get(persona) ?? 0, `persona ${persona}`);
  }
  // The ledger is the truth; the column is a copy.
  const ledger = await sql<{ persona_id: string; points: string }>`SELECT persona_id, sum(points)::text AS points FROM loyalty_ledger GROUP BY persona_id`.execute(database.db);
  for (const row of ledger.rows) assert.equal(Number(row.points), actual.get(row.persona_id));
}

test('with the age gate not confirmed nobody earns; ticking it awards the eligible past sales', async () => {
  assert.equal(await ledgerRows(), 0);
  const summary = await getLoyaltySummary(database.db, companyId);
  assert.equal(summary.members, 0);
  assert.ok(summary.ageGateNotConfirmed > 0);
  await setAgeGate(true);
  assert.ok((await ledgerRows()) > 0);
  await assertBalancesMatch();
  const after = await getLoyaltySummary(database.db, companyId);
  assert.ok(after.members > 0);
  assert.equal(after.ageGateNotConfirmed, 0);
  assert.ok(Number(after.outstanding) > 0);
});

test('closed sales earn; laybys and on-account earn when they close; voids reverse; returns deduct; edits adjust by the difference', async () => {
  const buyer = store.createCustomer({ first_name: 'Lou', last_name: 'Loyal', email: 'lou.loyal@example.test' });
  const closed = store.createSale({ customerId: buyer.id });
  const layby = store.createSale({ customerId: buyer.id, status: 'LAYBY' });
  const account = store.createSale({ customerId: buyer.id, status: 'ONACCOUNT' });
  store.createSale({ customerId: buyer.id, status: 'SAVED' });
  await sync();
  const pts = (s: { total_price: number; total_tax: number }) => Math.trunc(s.total_price + s.total_tax + 1e-9);
  assert.equal(await balanceOf('lou.loyal@example.test'), pts(closed), 'only the closed sale earns so far: layby, on account and parked wait');

  store.closeSale(layby.id);
  store.closeSale(account.id);
  await sync();
  const all = pts(closed) + pts(store.getSale(layby.id)!) + pts(store.getSale(account.id)!);
  assert.equal(await balanceOf('lou.loyal@example.test'), all);

  store.voidSale(account.id);
  await sync();
  const afterVoid = all - pts(account);
  assert.equal(await balanceOf('lou.loyal@example.test'), afterVoid);

  const edited = store.editSaleLines(closed.id, [{ quantity: 3 }]);
  await sync();
  const afterEdit = afterVoid - pts(closed) + pts(edited);
  assert.equal(await balanceOf('lou.loyal@example.test'), afterEdit);

  const ret = store.startReturn(closed.id);
  store.completeReturn(ret.id);
  await sync();
  assert.equal(await balanceOf('lou.loyal@example.test'), afterEdit - pts(edited), 'the return gives back what the sale earned');
  const kinds = await sql<{ kind: string }>`
    SELECT DISTINCT l.kind FROM loyalty_ledger l JOIN personas p ON p.id = l.persona_id WHERE p.email = 'lou.loyal@example.test'`.execute(database.db);
  assert.deepEqual(kinds.rows.map((r) => r.kind).sort(), ['adjustment', 'earn', 'return', 'reversal']);
  await assertBalancesMatch();
});

test('a return gives back at most what its sale earns now: a sale edited down and back up moves its return down and back up', async () => {
  const buyer = store.createCustomer({ first_name: 'Rae', last_name: 'Return', email: 'rae.return@example.test' });
  const sale = store.createSale({ customerId: buyer.id, lines: [{ quantity: 3 }] });
  const productId = sale.line_items[0]!.product_id;
  await sync();
  const returned = store.startReturn(sale.id);
  store.completeReturn(returned.id);
  await sync();
  assert.equal(await balanceOf('rae.return@example.test'), 0, 'the return gives back what the sale earned');

  // The sale is edited down, and then back: each time the return is re-checked against it. The
  // return's own version never changes, so it lands on a value it had before.
  store.editSaleLines(sale.id, [{ productId, quantity: 1 }]);
  await sync();
  assert.equal(await balanceOf('rae.return@example.test'), 0, 'the return shrinks with its sale');
  store.editSaleLines(sale.id, [{ productId, quantity: 3 }]);
  await sync();
  assert.equal(await balanceOf('rae.return@example.test'), 0, 'the return grows back with its sale');
  await assertBalancesMatch();
});

test('the same sale delivered twice earns once; a full resync and a persona merge leave balances unchanged', async () => {
  store.setFaults([{ kind: 'overlap_page', count: 2, path: '/api/2.0/sales' }]);
  store.createSale({ customerId: String(store.snapshot('customers').find((c) => c.email)!.id) });
  await sync();
  store.clearFaults();
  const afterOverlap = await balances();
  const rows = await ledgerRows();
  await assertBalancesMatch();

  await database.db.updateTable('sync_cursors').set({ after_version: 0 }).where('credential_id', '=', credentialId).execute();
  await sync();
  assert.deepEqual(await balances(), afterOverlap, 'resync from scratch');
  assert.equal(await ledgerRows(), rows, 'a resync writes no ledger row');

  const a = store.createCustomer({ first_name: 'Mia', last_name: 'Merge', email: 'mia.one@example.test' });
  const b = store.createCustomer({ first_name: 'Mia', last_name: 'Merge', email: 'mia.two@example.test' });
  store.createSale({ customerId: a.id });
  store.createSale({ customerId: b.id });
  await sync();
  const total = (await balanceOf('mia.one@example.test')) + (await balanceOf('mia.two@example.test'));
  store.updateCustomer(b.id, { email: 'mia.one@example.test' });
  await sync();
  assert.equal(await balanceOf('mia.one@example.test'), total, 'the merged persona holds both balances');
  await assertBalancesMatch();
});

test('under-age and employee customers do not earn', async () => {
  await saveLoyaltyProgram(database.db, companyId, userId, { ...defaultProgram, minimumAge: 21 }, 'US');
  const young = store.createCustomer({ first_name: 'Yo', last_name: 'Young', email: 'yo.young@example.test', date_of_birth: '2010-04-04' });
  const staffEmail = String(store.snapshot('users').find((u) => u.email)!.email);
  const staff = store.createCustomer({ first_name: 'Sam', last_name: 'Staff', email: staffEmail });
  store.createSale({ customerId: young.id });
  store.createSale({ customerId: staff.id });
  await sync();
  assert.equal(await balanceOf('yo.young@example.test'), 0);
  assert.equal(await balanceOf(staffEmail.toLowerCase()), 0);
  await saveLoyaltyProgram(database.db, companyId, userId, defaultProgram, 'US');
});

test('unticking the age gate stops new earning but keeps what was earned', async () => {
  await setAgeGate(false);
  const kept = await balances();
  const buyer = store.snapshot('customers').find((c) => c.email && c.customer_code !== 'WALKIN')!;
  const email = String(buyer.email).trim().toLowerCase();
  const before = await balanceOf(email);
  store.createSale({ customerId: String(buyer.id) });
  await sync();
  assert.equal(await balanceOf(email), before, 'no new points');
  for (const [persona, points] of kept) if (persona) assert.ok((await balances()).get(persona) === points);
  await setAgeGate(true);
  assert.ok((await balanceOf(email)) > before, 'ticking again awards the sale made meanwhile');
});
