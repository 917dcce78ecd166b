import { sql } from 'kysely';
import type { AfterPageHook } from '../sync/sync-runner.ts';
import { readIntegrationSettings } from '../integrations/integration-settings.ts';
import { resolveIdentities } from './identity-resolution.ts';
import { addNewSalesToAggregates, refreshAggregates } from './persona-refresh.ts';
import { lockCompanyPersonas } from './persona-lock.ts';
import { buyersOfWrittenSales } from './sale-buyers.ts';

/**
 * Keeps personas in step with every synced page, inside the page's transaction: customers are put
 * into personas; new sales add to their buyers' totals, and sales that changed recompute the totals
 * of their old and new buyers.
 */
export const personaSyncHook: AfterPageHook = async (trx, scope, records, outcome, totals) => {
  const kind = records[0]?.kind;
  if (kind === 'customer') {
    const connection = await sql<{ settings: unknown }>`
      SELECT k.settings FROM credentials c JOIN connections k ON k.id = c.connection_id WHERE c.id = ${scope.credentialId}`.execute(trx);
    const settings = readIntegrationSettings(connection.rows[0]?.settings);
    await resolveIdentities(trx, scope, outcome.customersTouched, { excludedGroupIds: new Set(settings.excludedCustomerGroupIds) });
  } else if (kind === 'sale' && outcome.changed > 0) {
    const replacedBuyers = outcome.customersOfReplacedSales ?? [];
    await lockCompanyPersonas(trx, scope.companyId, replacedBuyers.length > 0 ? 'exclusive' : 'shared');
    const recomputed =
      replacedBuyers.length === 0
        ? []
        : (
            await sql<{ persona_id: string }>`
              SELECT DISTINCT persona_id FROM source_customers
              WHERE credential_id = ${scope.credentialId} AND external_id = ANY(${replacedBuyers}::text[]) AND persona_id IS NOT NULL`.execute(trx)
          ).rows.map((row) => row.persona_id);
    await refreshAggregates(trx, recomputed);
    const written = outcome.writtenSales ?? [];
    const firstSeen = written.filter((sale) => !sale.existed).map((sale) => sale.record);
    if (firstSeen.length > 0) await addNewSalesToAggregates(trx, scope.credentialId, firstSeen, await buyersOfWrittenSales(trx, scope, written), recomputed, totals);
  }
};
