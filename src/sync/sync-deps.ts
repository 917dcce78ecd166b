import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Connectors } from '../integrations/connectors.ts';
import { personaSyncHook } from '../personas/persona-sync-hook.ts';
import { storeSyncHook } from '../stores/store-sync-hook.ts';
import { loyaltySyncHook } from '../loyalty/loyalty-sync-hook.ts';
import type { SyncDeps } from './sync-runner.ts';
import { TableStatistics } from './table-statistics.ts';

/**
 * The sync as the product runs it: records are written, then the core modules update what hangs
 * off them in the same transaction (personas, the unmapped-stores check, loyalty points). The tables
 * it fills are analyzed as they grow.
 */
export function createSyncDeps(base: { db: Db; secretKey: Buffer; connectors: Connectors; logger: Logger }): SyncDeps {
  return { ...base, afterPageHooks: [personaSyncHook, storeSyncHook, loyaltySyncHook], tableStatistics: new TableStatistics(base.db, base.logger) };
}
