import type { AfterPageHook } from '../sync/sync-runner.ts';
import { reconcileCustomerPoints, reconcileWrittenSales } from './points-ledger.ts';

/**
 * Points follow the sales in the same transaction as the page: changed sales are reconciled; after a
 * customer page, the sales of its customers and of their personas are re-checked (a deleted customer's
 * points go, a new source may have brought the age gate, a merge may have moved a link).
 */
export const loyaltySyncHook: AfterPageHook = async (trx, scope, records, outcome, totals) => {
  const kind = records[0]?.kind;
  if (kind === 'sale') {
    await reconcileWrittenSales(trx, scope, outcome.writtenSales ?? [], totals);
  } else if (kind === 'customer' && outcome.changed > 0) {
    await reconcileCustomerPoints(trx, scope.companyId, scope.credentialId, outcome.customersTouched);
  }
};
