// Property: whatever sequence of sale events, syncs and resyncs happens, every balance ends equal to a
// straightforward recomputation from the emulator's final sales.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectStore } from '../../test/helpers/connected-store.ts';
import { expectedBalances } from '../../test/helpers/expected-points.ts';
import { createLogger } from '../logger.ts';
import { runCredentialSync } from '../sync/sync-runner.ts';
import { createSyncDeps } from '../sync/sync-deps.ts';
import { defaultProgram } from './loyalty-program.ts';
import { emulatorAndDatabase } from '../../test/helpers/emulator-and-database.ts';

const env = emulatorAndDatabase();

/** A small deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: T[]): T | undefined => items[Math.floor(next() * items.length)] };
}

for (const seed of [7, 1234, 98765]) {
  test(`random sale events, syncs and resyncs (seed ${seed}) end with exact balances`, async () => {
    const prefix = `prop-${seed}`;
    const store = env.emulator.createStore({ domainPrefix: prefix, customers: 25, sales: 40, seed });
    const connected = await connectStore(env.database.db, env.emulator, prefix);
    const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
    const sync = async () => assert.equal((await runCredentialSync(deps, connected.credentialId, { reason: 'property' })).outcome, 'succeeded');
    const random = prng(seed);
    const customers = () => store.snapshot('customers').filter((c) => c.customer_code !== 'WALKIN').map((c) => String(c.id));
    const sales = (where: (sale: Record<string, unknown>) => boolean) => store.snapshot('sales').filter(where).map((s) => String(s.id));
    const log: string[] = [];
    for (let step = 0; step < 30; step++) {
      const roll = random.next();
      const customer = random.pick(customers());
      if (roll < 0.25 && customer) {
        const status = random.pick(['CLOSED', 'CLOSED', 'LAYBY', 'ONACCOUNT', 'SAVED'] as const)!;
        store.createSale({ customerId: customer, status, lines: [{ quantity: 1 + Math.floor(random.next() * 3) }] });
        log.push(`sale ${status}`);
      } else if (roll < 0.35) {
        const id = random.pick(sales((s) => s.status === 'LAYBY' || s.status === 'ONACCOUNT'));
        if (id) {
          store.closeSale(id);
          log.push('close');
        }
      } else if (roll < 0.45) {
        const id = random.pick(sales((s) => s.state === 'closed' && !s.return_for));
        if (id) {
          store.voidSale(id);
          log.push('void');
        }
      } else if (roll < 0.55) {
        const id = random.pick(sales((s) => s.state === 'closed' && !s.return_for && s.customer_id !== store.walkInCustomerId));
        if (id) {
          const ret = store.startReturn(id);
          store.completeReturn(ret.id);
          log.push('return');
        }
      } else if (roll < 0.62) {
        const id = random.pick(sales((s) => s.state === 'closed' && !s.return_for));
        if (id) {
          store.editSaleLines(id, [{ quantity: 1 + Math.floor(random.next() * 4) }]);
          log.push('edit');
        }
      } else if (roll < 0.68) {
        const [a, b] = [random.pick(customers()), random.pick(customers())];
        if (a && b && a !== b) {
          store.mergeCustomers(a, b);
          log.push('pos merge');
        }
      } else if (roll < 0.73) {
        const [a, b] = [random.pick(customers()), random.pick(customers())];
        const email = store.getCustomer(a ?? '')?.email;
        if (a && b && a !== b && email) {
          store.updateCustomer(b, { email });
          log.push('shared email');
        }
      } else if (roll < 0.9) {
        await sync();
        log.push('sync');
      } else {
        await env.database.db.updateTable('sync_cursors').set({ after_version: 0 }).where('credential_id', '=', connected.credentialId).execute();
        await sync();
        log.push('resync');
      }
    }
    await sync();
    const expected = await expectedBalances(env.database.db, [{ credentialId: connected.credentialId, store }], defaultProgram, () => true);
    const personas = await env.database.db.selectFrom('personas').select(['id', 'points_balance']).where('company_id', '=', connected.companyId).execute();
    let checked = 0;
    for (const persona of personas) {
      assert.equal(Number(persona.points_balance), expected.get(persona.id) ?? 0, `persona ${persona.id} after: ${log.join(', ')}`);
      checked++;
    }
    assert.ok(checked > 10);
  });
}
