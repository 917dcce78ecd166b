// Units of sales are written while the unit before them commits (sync-runner.ts). Here the hooks of
// every unit are slowed down so the next unit's writes really do run alongside; then one unit fails,
// and the one written alongside it must roll back with it; then pages overlap, so the same sales sit
// in consecutive units. Each time the totals, points and mirror must end exactly as a from-scratch
// recomputation says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Store } from '../../emulator/index.ts';
import { createLogger } from '../../src/logger.ts';
import { refreshAggregates, refreshPointBalances } from '../../src/personas/persona-refresh.ts';
import { reconcileSalePoints } from '../../src/loyalty/points-ledger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync, type AfterPageHook, type SyncDeps } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { emulatorAndDatabase } from '../helpers/emulator-and-database.ts';

const env = emulatorAndDatabase();

/**
 * A store of 1,500 sales in pages of 100, connected to a fresh company. Each page of sales takes 50 ms
 * to serve, about as long as a unit takes to write, so units hold a page or two and follow each other.
 */
async function connect(domainPrefix: string, seed: number): Promise<{ store: Store; deps: SyncDeps; credentialId: string; companyId: string }> {
  const store = env.emulator.createStore({ domainPrefix, customers: 200, sales: 1500, outlets: 2, registers: 2, seed, config: { salesPageSizeMax: 100 } });
  store.setRateLimit({ enabled: false });
  store.setFaults([SLOW_SALES]);
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix);
  const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  return { store, deps, credentialId: connected.credentialId, companyId: connected.companyId };
}

const SLOW_SALES = { kind: 'delay', delayMs: 50, probability: 1, path: '/sales' } as const;

/** Slows each unit of sales down after its writes, and can make the nth such unit fail. */
function slowSalesHooks(options: { failOnUnit?: number } = {}): { hook: AfterPageHook; units: () => number } {
  let units = 0;
  const hook: AfterPageHook = async (_trx, _scope, records) => {
    if (records[0]?.kind !== 'sale') return;
    units++;
    await sleep(40);
    if (units === options.failOnUnit) throw new Error(`unit ${units} failed on purpose`);
  };
  return { hook, units: () => units };
}

/** Personas' totals and points, as stored and as recomputed from scratch; and what a re-reconcile of every sale would add. */
async function exactness(companyId: string): Promise<{ stored: unknown[]; recomputed: unknown[]; ledgerFixes: number }> {
  const db = env.database.db;
  const snapshot = async () =>
    (
      await sql<{ id: string; spend: string; visits: number; first: string | null; last: string | null; points: string }>`
        SELECT id, lifetime_spend::text AS spend, visits, first_visit_at::text AS first, last_visit_at::text AS last, points_balance::text AS points
        FROM personas WHERE company_id = ${companyId} ORDER BY id`.execute(db)
    ).rows;
  const stored = await snapshot();
  const ids = stored.map((row) => row.id);
  const before = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_ledger WHERE company_id = ${companyId}`.execute(db)).rows[0]!.n);
  await db.transaction().execute(async (trx) => {
    await refreshAggregates(trx, ids);
    await refreshPointBalances(trx, ids);
    const sales = (await sql<{ id: string }>`SELECT id FROM sales WHERE company_id = ${companyId}`.execute(trx)).rows.map((row) => row.id);
    for (let start = 0; start < sales.length; start += 2000) await reconcileSalePoints(trx, companyId, sales.slice(start, start + 2000));
  });
  const after = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM loyalty_ledger WHERE company_id = ${companyId}`.execute(db)).rows[0]!.n);
  return { stored, recomputed: await snapshot(), ledgerFixes: after - before };
}

test('a unit that fails takes the unit written alongside it down too; the retry ends exact', async () => {
  const { store, deps, credentialId, companyId } = await connect('pipeline-shop', 31);
  const failing = slowSalesHooks({ failOnUnit: 3 });
  await assert.rejects(runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, failing.hook] }, credentialId, { reason: 'test' }), /unit 3 failed on purpose/);

  // Two units committed; nothing of the third or of the one written alongside it is left behind.
  const cursor = await env.database.db.selectFrom('sync_cursors').select('records').where('credential_id', '=', credentialId).where('resource', '=', 'sales').executeTakeFirstOrThrow();
  const stored = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM sales WHERE credential_id = ${credentialId}`.execute(env.database.db)).rows[0]!.n);
  assert.ok(Number(cursor.records) > 0 && Number(cursor.records) < 1500, `cursor after the failure: ${cursor.records} sales`);
  assert.equal(stored, Number(cursor.records), 'sales stored beyond the committed cursor');
  const orphanLines = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sale_lines l WHERE NOT EXISTS (SELECT 1 FROM sales s WHERE s.id = l.sale_id)`.execute(env.database.db);
  assert.equal(orphanLines.rows[0]!.n, 0);

  const retry = await runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, slowSalesHooks().hook] }, credentialId, { reason: 'retry' });
  assert.equal(retry.outcome, 'succeeded');
  assert.deepEqual((await mirrorDifferences(env.database.db, credentialId, store)).differences, []);
  const check = await exactness(companyId);
  assert.ok(check.stored.length > 100);
  assert.deepEqual(check.stored, check.recomputed);
  assert.equal(check.ledgerFixes, 0);
});

test('a sale edited between two units is in both: the second is written after the first commits, and counts once', async () => {
  const domainPrefix = 'edited-shop';
  const store = env.emulator.createStore({ domainPrefix, customers: 60, sales: 150, outlets: 2, registers: 2, seed: 32, config: { salesPageSizeMax: 100 } });
  store.setRateLimit({ enabled: false });
  const connected = await connectStore(env.database.db, env.emulator, domainPrefix);
  const real = connected.connectors['lightspeed-x']!;
  // The POS voids a sale of the first page right after that page is read, before the second is
  // requested: the second page then carries the sale again, newer, and the two pages are two units.
  const firstPage = store.snapshot('sales').slice(0, 100).filter((sale) => sale.status === 'CLOSED' && sale.customer_id)!;
  const edited = String(firstPage.at(-1)!.id);
  const connectors = {
    ...connected.connectors,
    'lightspeed-x': {
      ...real,
      createReader(input: Parameters<typeof real.createReader>[0]) {
        const reader = real.createReader(input);
        return {
          resources: reader.resources,
          async *pages(resource: string, after: number) {
            let served = 0;
            for await (const page of reader.pages(resource, after)) {
              yield page;
              if (resource === 'sales' && ++served === 1) store.voidSale(edited);
            }
          },
        };
      },
    },
  };
  const deps = createSyncDeps({ db: env.database.db, secretKey: connected.secretKey, connectors, logger: createLogger('silent') });
  const slow = slowSalesHooks();
  const result = await runCredentialSync({ ...deps, afterPageHooks: [...deps.afterPageHooks!, slow.hook] }, connected.credentialId, { reason: 'test' });
  assert.equal(result.outcome, 'succeeded');
  assert.equal(slow.units(), 2);
  const saved = await env.database.db.selectFrom('sales').select(['id', 'state']).where('credential_id', '=', connected.credentialId).where('external_id', '=', edited).executeTakeFirstOrThrow();
  assert.equal(saved.state, 'voided');
  // Before anything else recomputes the buyer: a void read as a new sale would leave its visit counted.
  const check = await exactness(connected.companyId);
  assert.deepEqual(check.stored, check.recomputed);
  assert.equal(check.ledgerFixes, 0);
  // The void also changed the buyer in the POS (after customers were read): the next run brings it.
  assert.equal((await runCredentialSync(createSyncDeps({ ...deps, connectors: connected.connectors }), connected.credentialId, { reason: 'next' })).outcome, 'succeeded');
  assert.deepEqual((await mirrorDifferences(env.database.db, connected.credentialId, store)).differences, []);
});
