import { randomBytes } from 'node:crypto';
import { createCompanyWithAdmin } from '../../src/accounts/accounts.ts';
import type { Db } from '../../src/db/database.ts';
import { addCredential, updateConnection } from '../../src/integrations/connections.ts';
import { createConnectors, type Connectors } from '../../src/integrations/connectors.ts';
import { defaultIntegrationSettings, type IntegrationSettings } from '../../src/integrations/integration-settings.ts';
import type { Emulator } from '../../emulator/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';

/**
 * A company with a saved Lightspeed connection to an emulator store, as if a retailer had followed
 * the article up to Update Connection. Used by sync tests that drive the sync directly.
 */
export async function connectStore(
  db: Db,
  emulator: Emulator,
  domainPrefix: string,
  options: { companyId?: string; settings?: Partial<IntegrationSettings>; ageGate?: boolean; secretKey?: Buffer } = {},
): Promise<{ companyId: string; userId: string; credentialId: string; connectors: Connectors; secretKey: Buffer }> {
  const secretKey = options.secretKey ?? randomBytes(32);
  const connectors = createConnectors({ lightspeedBaseUrl: emulator.baseUrlTemplate });
  let companyId = options.companyId;
  let userId: string;
  if (companyId) {
    const user = await db.selectFrom('users').select('id').where('company_id', '=', companyId).executeTakeFirstOrThrow();
    userId = user.id;
  } else {
    const unique = randomBytes(4).toString('hex');
    const created = await createCompanyWithAdmin(db, { companyName: `Shop ${unique}`, name: 'Owner', email: `owner-${unique}@example.test`, password: 'long password 1' });
    companyId = created.companyId;
    userId = created.user.id;
  }
  const store = emulator.store(domainPrefix);
  const credential = await addCredential(db, secretKey, connectors['lightspeed-x']!, companyId, { token: store.token, storeAddress: domainPrefix });
  await updateConnection(db, companyId, userId, 'lightspeed-x', {
    ageGateConfirmed: options.ageGate ?? true,
    settings: { ...defaultIntegrationSettings, ...options.settings },
  });
  return { companyId, userId, credentialId: credential.id, connectors, secretKey };
}

/**
 * connectStore for a Patron test server's company, with `sync()`: one sync run of the store through
 * the product's hooks, which must succeed. For tests that change the store and sync at chosen moments.
 */
export async function connectStoreWithSync(
  server: { database: { db: Db }; config: { secretKey: Buffer } },
  emulator: Emulator,
  domainPrefix: string,
  companyId: string,
): Promise<{ credentialId: string; sync: () => Promise<void> }> {
  const { db } = server.database;
  const connected = await connectStore(db, emulator, domainPrefix, { companyId, secretKey: server.config.secretKey });
  const deps = createSyncDeps({ db, secretKey: server.config.secretKey, connectors: connected.connectors, logger: createLogger('silent') });
  const sync = async () => {
    const result = await runCredentialSync(deps, connected.credentialId, { reason: 'test' });
    if (result.outcome !== 'succeeded') throw new Error(`sync of ${domainPrefix}: ${JSON.stringify(result)}`);
  };
  return { credentialId: connected.credentialId, sync };
}
