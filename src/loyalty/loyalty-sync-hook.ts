import { sql } from 'kysely';
import type { AfterPageHook } from '../sync/sync-runner.ts';
import { reconcilePersonaPoints, reconcileSalePoints } from './points-ledger.ts';

/**
 * Points follow the sales in the same transaction as the page: changed sales are reconciled; after a
 * customer page, the sales of the personas it touched are re-checked (a new source may have brought
 * the age gate, or a link may have moved).
 */
export const loyaltySyncHook: AfterPageHook = async (trx, scope, records, outcome) => {
  const kind = records[0]?.kind;
  if (kind === 'sale') {
    await reconcileSalePoints(trx, scope.companyId, outcome.changedSaleIds ?? []);
  } else if (kind === 'customer' && outcome.changed > 0) {
    const personas = await sql<{ persona_id: string }>`
      SELECT DISTINCT persona_id FROM source_customers
      WHERE credential_id = ${scope.credentialId} AND external_id = ANY(${outcome.customersTouched}::text[]) AND persona_id IS NOT NULL`.execute(trx);
    await reconcilePersonaPoints(trx, scope.companyId, personas.rows.map((row) => row.persona_id));
  }
};
