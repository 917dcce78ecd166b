// Two stores of one company selling to the same person at the same moment. Their syncs add to the
// persona under the shared company lock, each in its own transaction; the favorite store must count
// the sales of both, whichever commits first (persona-lock.ts, lockPersonaRows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../src/db/tables.ts';
import { createLogger } from '../../src/logger.ts';
import { lockCompanyPersonas } from '../../src/personas/persona-lock.ts';
import { addNewSalesToAggregates } from '../../src/personas/persona-refresh.ts';
import { PersonaTotalsChanges } from '../../src/personas/persona-totals.ts';
import { buyersOfWrittenSales } from '../../src/personas/sale-buyers.ts';
import { writeSales } from '../../src/sync/record-writer.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { emulatorAndDatabase } from '../helpers/emulator-and-database.ts';
import { sourceSale } from '../helpers/source-sale.ts';

const env = emulatorAndDatabase();

type Shop = { credentialId: string; customer: string; outlet: string; locationId: string };

/** A store with one outlet whose customers include Rosa Diaz, connected to the company and synced. */
async function shop(domainPrefix: string, seed: number, companyId?: string): Promise<Shop & { companyId: string }> {
  const store = env.emulator.createStore({ domainPrefix, customers: 3, sales: 0, outlets: 1, registers: 1, seed });
  store.setRateLimit({ enabled: false });
  store.createCustomer({ first_name: 'Rosa', last_name: 'Diaz', email: 'rosa.diaz@example.test' });
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix, { companyId });
  const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
  assert.equal(result.outcome, 'succeeded');
  const rosa = await sql<{ external_id: string }>`
    SELECT external_id FROM source_customers WHERE credential_id = ${connected.credentialId} AND email_normalized = 'rosa.diaz@example.test'`.execute(env.database.db);
  const outlet = await sql<{ id: string; external_id: string }>`SELECT id, external_id FROM source_locations WHERE credential_id = ${connected.credentialId}`.execute(env.database.db);
  return { companyId: connected.companyId, credentialId: connected.credentialId, customer: rosa.rows[0]!.external_id, outlet: outlet.rows[0]!.external_id, locationId: outlet.rows[0]!.id };
}

/** What a synced unit of new sales does for personas: Rosa's sales at the shop's outlet, written and added to her persona. */
async function sellToRosa(trx: Transaction<Database>, companyId: string, at: Shop, count: number, day: string): Promise<void> {
  await lockCompanyPersonas(trx, companyId, 'shared');
  const sales = Array.from({ length: count }, (_, n) =>
    sourceSale({ customerExternalId: at.customer, locationExternalId: at.outlet, saleDate: new Date(Date.parse(day) + (n + 1) * 60_000).toISOString() }),
  );
  const scope = { companyId, credentialId: at.credentialId, region: null };
  const written = (await writeSales(trx, scope, sales)).writtenSales!;
  const totals = new PersonaTotalsChanges();
  await addNewSalesToAggregates(trx, at.credentialId, sales, await buyersOfWrittenSales(trx, scope, written), [], totals);
  await totals.apply(trx);
}

test('two stores sell to the same person at once: her favorite store counts the sales of both', async () => {
  const one = await shop('race-one', 71);
  const two = await shop('race-two', 72, one.companyId);
  const companyId = one.companyId;
  const personas = await sql<{ persona_id: string }>`
    SELECT DISTINCT persona_id FROM source_customers WHERE company_id = ${companyId} AND email_normalized = 'rosa.diaz@example.test'`.execute(env.database.db);
  assert.equal(personas.rows.length, 1, 'one persona for Rosa, sourced from both stores');
  const rosa = personas.rows[0]!.persona_id;

  const stores = await sql<{ id: string; name: string }>`
    INSERT INTO retail_stores (company_id, name, time_zone) VALUES (${companyId}, 'Uptown', 'UTC'), (${companyId}, 'Harbour', 'UTC') RETURNING id, name`.execute(env.database.db);
  const uptown = stores.rows.find((store) => store.name === 'Uptown')!.id;
  const harbour = stores.rows.find((store) => store.name === 'Harbour')!.id;
  await sql`
    INSERT INTO store_mappings (source_location_id, retail_store_id, company_id)
    VALUES (${one.locationId}, ${uptown}, ${companyId}), (${two.locationId}, ${harbour}, ${companyId})`.execute(env.database.db);

  // Rosa has been to Uptown twice: her favorite.
  await env.database.db.transaction().execute((trx) => sellToRosa(trx, companyId, one, 2, '2026-11-01T10:00:00Z'));

  // Uptown's sync writes three more visits and is about to commit...
  let commitUptown!: () => void;
  const uptownHeld = new Promise<void>((resolve) => (commitUptown = resolve));
  let uptownWritten!: () => void;
  const uptownReady = new Promise<void>((resolve) => (uptownWritten = resolve));
  const uptownSync = env.database.db.transaction().execute(async (trx) => {
    await sellToRosa(trx, companyId, one, 3, '2026-11-02T10:00:00Z');
    uptownWritten();
    await uptownHeld;
  });
  await uptownReady;
  // ...when Harbour's sync brings three visits too (earlier ones), and waits for Rosa's row.
  const harbourSync = env.database.db.transaction().execute((trx) => sellToRosa(trx, companyId, two, 3, '2026-11-01T12:00:00Z'));
  for (let waited = 0; ; waited += 20) {
    const waiting = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(env.database.db);
    if (waiting.rows[0]!.n > 0) break;
    assert.ok(waited < 10_000, "Harbour's transaction never waited for Uptown's");
    await sleep(20);
  }
  commitUptown();
  await uptownSync;
  await harbourSync;

  // Uptown 5 visits, Harbour 3: Uptown. (Computed from what Harbour's transaction saw before Uptown's
  // committed, 2 against 3, it would be Harbour.)
  const stored = await sql<{ favorite_store_id: string | null; visits: number }>`SELECT favorite_store_id, visits FROM personas WHERE id = ${rosa}`.execute(env.database.db);
  assert.equal(stored.rows[0]!.visits, 8);
  assert.equal(stored.rows[0]!.favorite_store_id, uptown);
});
