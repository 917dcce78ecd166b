import { randomUUID } from 'node:crypto';
import type { SourceSale } from '../../src/sync/source-records.ts';

/** A normalized sale as the connector hands it to the sync: a closed 10.00 + 1.00 tax sale with no lines, unless overridden. */
export function sourceSale(overrides: Partial<SourceSale> = {}): SourceSale {
  return {
    kind: 'sale',
    externalId: `sale-${randomUUID()}`,
    customerExternalId: null,
    locationExternalId: null,
    registerExternalId: null,
    staffExternalId: null,
    invoiceNumber: null,
    state: 'closed',
    posStatus: 'CLOSED',
    attributes: [],
    returnForExternalId: null,
    totalExclTax: 10,
    totalTax: 1,
    totalInclTax: 11,
    saleDate: '2026-11-01T10:00:00Z',
    deletedAt: null,
    version: 1,
    lines: [],
    payments: [],
    ...overrides,
  };
}
