import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Store } from '../../emulator/index.ts';
import { findFreePort } from '../../src/db/embedded-server.ts';
import { createConnectors } from '../../src/integrations/connectors.ts';
import { createLogger } from '../../src/logger.ts';
import { createRealtimeAdapters, startRealtimeWorker } from '../../src/sync/realtime.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { registerSyncScheduler } from '../../src/sync/sync-scheduler.ts';
import { startSyncWorker } from '../../src/sync/sync-worker.ts';
import { HttpSession } from '../../test/helpers/http-session.ts';
import { waitFor } from '../../test/sync/sync-harness.ts';
import { startTestServer, type TestServer } from '../../test/helpers/test-server.ts';
import { figure, percentile } from '../lib/stats.ts';
import type { Figure, Scenario } from '../lib/types.ts';

const NAME = 'freshness';

/**
 * How soon data shows up, through the real HTTP API and an in-process worker (pg-boss jobs, as in
 * production): Update Connection → the first persona in the database; a sale rung up in the emulator
 * → its points in the ledger, by webhook and by the 1-minute polling schedule.
 */
export const freshness: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    const { emulator, spec } = context;
    const port = await findFreePort();
    const server = await startTestServer({ env: { LIGHTSPEED_BASE_URL: emulator.baseUrlTemplate, PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' }, jobs: true, port });
    const db = server.database.db;
    const logger = createLogger('silent');
    const stores: Store[] = [];
    try {
      await startSyncWorker(server.boss!, createSyncDeps({ db, secretKey: server.config.secretKey, connectors: createConnectors(server.config), logger }), { concurrency: 2 });
      await startRealtimeWorker(server.boss!, { db, secretKey: server.config.secretKey, logger, adapters: createRealtimeAdapters(server.config) });

      // Update Connection → first persona. A store whose first customer page is full (10,000).
      const firstPersona: number[] = [];
      let last: { session: HttpSession; credentialId: string; store: Store } | undefined;
      const samples = Math.max(3, spec.runs);
      for (let sample = 1; sample <= samples; sample++) {
        const realtime = sample === samples;
        const store = emulator.createStore({ domainPrefix: `bench-fresh-${sample}`, customers: 10_000, sales: 1_000, outlets: 2, seed: 70 + sample });
        store.setRateLimit({ enabled: false });
        store.webhooks.config.retryBaseMs = 200;
        stores.push(store);
        const session = new HttpSession(server.url);
        await session.signUp();
        const added = await session.post('/api/connections/lightspeed-x/credentials', { token: store.token, storeAddress: store.domainPrefix });
        if (added.status !== 201) throw new Error(`adding the credential failed: ${added.text}`);
        const credentialId = added.json.credential.id as string;
        const { company_id: companyId } = await db.selectFrom('credentials').select('company_id').where('id', '=', credentialId).executeTakeFirstOrThrow();
        const startedAt = performance.now();
        const saved = await session.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true, settings: { realtimeUpdates: realtime } });
        if (saved.status !== 200) throw new Error(`Update Connection failed: ${saved.text}`);
        await waitFor('the first persona', () => db.selectFrom('personas').select('id').where('company_id', '=', companyId).limit(1).executeTakeFirst(), 60_000, 10);
        firstPersona.push(performance.now() - startedAt);
        await waitFor('the backfill', () => completeRun(server, credentialId), 120_000);
        last = { session, credentialId, store };
      }
      context.log(`first persona after Update Connection: ${firstPersona.map((ms) => Math.round(ms)).join(', ')} ms`);

      // Sale → points by webhook.
      const { store, credentialId } = last!;
      await waitFor('two webhooks on the store', () => store.webhooks.list().length === 2, 30_000);
      const buyers = await sql<{ external_id: string }>`
        SELECT sc.external_id FROM source_customers sc JOIN personas p ON p.id = sc.persona_id
        WHERE sc.credential_id = ${credentialId} AND p.age_gate_passed AND sc.deleted_at IS NULL
        ORDER BY sc.external_id LIMIT 50`.execute(db);
      const buyer = (index: number) => buyers.rows[index % buyers.rows.length]!.external_id;
      const byWebhook: number[] = [];
      for (let sample = 0; sample < spec.webhookSamples; sample++) {
        const sale = store.createSale({ customerId: buyer(sample) });
        const startedAt = performance.now();
        await waitFor('points for the sale (webhook)', () => pointsFor(server, sale.id), 60_000, 10);
        byWebhook.push(performance.now() - startedAt);
        await sleep(200);
      }
      context.log(`sale → points by webhook: ${byWebhook.map((ms) => Math.round(ms)).join(', ')} ms`);

      const figures: Figure[] = [
        figure(NAME, 'Update Connection → first persona visible (first page: 10,000 customers)', 'ms', firstPersona, { target: { op: '<', value: 5000, text: '< 5,000 ms' } }),
        figure(NAME, `sale → points by webhook (${byWebhook.length} sales, one at a time)`, 'ms', byWebhook),
        figure(NAME, 'sale → points by webhook, p95', 'ms', [percentile(byWebhook, 95)], { note: `p95 of ${byWebhook.length} samples` }),
      ];

      // Sale → points by polling: webhooks off, the scheduler's 1-minute interval.
      if (spec.pollingSamples > 0) {
        const off = await last!.session.request('PUT', '/api/connections/lightspeed-x', { ageGateConfirmed: true, settings: { realtimeUpdates: false } });
        if (off.status !== 200) throw new Error(`turning webhooks off failed: ${off.text}`);
        await waitFor('webhooks removed', () => store.webhooks.list().length === 0, 30_000);
        await registerSyncScheduler(server.boss!, db);
        const byPolling: number[] = [];
        for (let sample = 0; sample < spec.pollingSamples; sample++) {
          // A random moment within the interval, as a sale would happen.
          await sleep(Math.floor(Math.random() * 20_000));
          const sale = store.createSale({ customerId: buyer(100 + sample) });
          const startedAt = performance.now();
          await waitFor('points for the sale (polling)', () => pointsFor(server, sale.id), 150_000, 100);
          byPolling.push(performance.now() - startedAt);
          context.log(`sale → points by polling: ${Math.round(byPolling.at(-1)!)} ms`);
        }
        figures.push(
          figure(NAME, `sale → points by polling (1-minute interval, ${byPolling.length} sales)`, 'ms', byPolling, { target: { op: '<', value: 70_000, text: '< 70,000 ms (interval + scheduler tick)' } }),
        );
      } else {
        figures.push(figure(NAME, 'sale → points by polling: not run at this scale (each sample waits up to ~70 s); see medium', 'ms', [NaN]));
      }
      return figures;
    } finally {
      await server.close();
      for (const store of stores) emulator.removeStore(store.domainPrefix);
    }
  },
};

async function completeRun(server: TestServer, credentialId: string): Promise<boolean> {
  const row = await server.database.db
    .selectFrom('sync_runs')
    .select('id')
    .where('credential_id', '=', credentialId)
    .where('outcome', '=', 'succeeded')
    .where('complete', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

async function pointsFor(server: TestServer, saleExternalId: string): Promise<boolean> {
  const rows = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM loyalty_ledger l JOIN sales s ON s.id = l.sale_id WHERE s.external_id = ${saleExternalId}`.execute(server.database.db);
  return (rows.rows[0]?.n ?? 0) > 0;
}
