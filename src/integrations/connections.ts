import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { refreshPersonas, refreshPointBalances } from '../personas/persona-refresh.ts';
import { lockCompanyPersonas } from '../personas/persona-lock.ts';
import { checkUnmappedLocations } from '../stores/unmapped-locations.ts';
import type { Db } from '../db/database.ts';
import type { CredentialStatus } from '../db/tables.ts';
import { AppError, notFound } from '../http/errors.ts';
import { seal, maskSecret } from '../secrets/token-cipher.ts';
import type { PosConnector } from './connector.ts';
import { readIntegrationSettings, type IntegrationSettings } from './integration-settings.ts';

/**
 * A company's connection to one integration and its credentials, as the connection page shows them.
 * Tokens leave this module only masked.
 */
export type CredentialView = {
  id: string;
  storeAddress: string;
  storeName: string;
  tokenMasked: string;
  status: Exclude<CredentialStatus, 'removed'>;
  statusReason: string | null;
  outletCount: number;
  registerCount: number;
  rateLimit: number | null;
  country: string | null;
  currency: string | null;
  lastCheckedAt: Date | null;
  createdAt: Date;
};

export type ConnectionView = {
  provider: string;
  id: string | null;
  ageGateConfirmed: boolean;
  ageGateConfirmedAt: Date | null;
  settings: IntegrationSettings;
  credentials: CredentialView[];
  updatedAt: Date | null;
};

export async function getConnectionView(db: Db, companyId: string, provider: string): Promise<ConnectionView> {
  const connection = await db
    .selectFrom('connections')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  if (!connection) {
    return { provider, id: null, ageGateConfirmed: false, ageGateConfirmedAt: null, settings: readIntegrationSettings({}), credentials: [], updatedAt: null };
  }
  const credentials = await db
    .selectFrom('credentials')
    .select([
      'id',
      'domain_prefix as storeAddress',
      'retailer_name as storeName',
      'token_last4',
      'status',
      'status_reason as statusReason',
      'outlet_count as outletCount',
      'register_count as registerCount',
      'rate_limit as rateLimit',
      'country',
      'currency',
      'last_checked_at as lastCheckedAt',
      'created_at as createdAt',
    ])
    .where('connection_id', '=', connection.id)
    .where('company_id', '=', companyId)
    .where('status', '<>', 'removed')
    .orderBy('created_at')
    .execute();
  return {
    provider,
    id: connection.id,
    ageGateConfirmed: connection.age_gate_confirmed,
    ageGateConfirmedAt: connection.age_gate_confirmed_at,
    settings: readIntegrationSettings(connection.settings),
    updatedAt: connection.updated_at,
    credentials: credentials.map(({ token_last4, status, ...rest }) => ({ ...rest, status: status as CredentialView['status'], tokenMasked: maskSecret(token_last4) })),
  };
}

async function ensureConnection(db: Db, companyId: string, provider: string): Promise<string> {
  const row = await db
    .insertInto('connections')
    .values({ company_id: companyId, provider })
    .onConflict((conflict) => conflict.columns(['company_id', 'provider']).doUpdateSet({ updated_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Adds a store to the connection after checking the token against the live store. Nothing is
 * stored when the check fails; the same store cannot be added twice.
 */
export async function addCredential(
  db: Db,
  secretKey: Buffer,
  connector: PosConnector,
  companyId: string,
  input: { token: string; storeAddress: string },
): Promise<CredentialView> {
  const token = input.token.trim();
  const check = await connector.checkCredential({ token, storeAddress: input.storeAddress });
  if (!check.ok) throw new AppError(422, 'credential_rejected', check.message, check.field ?? undefined);
  const { summary } = check;
  const duplicate = await db
    .selectFrom('credentials')
    .select(['id', 'domain_prefix', 'status', 'retailer_id'])
    .where('company_id', '=', companyId)
    .where((eb) => eb.or([eb('retailer_id', '=', summary.externalStoreId), eb('domain_prefix', '=', check.storeAddress)]))
    .executeTakeFirst();
  const connectionId = await ensureConnection(db, companyId, connector.provider);
  const sealed = seal(token, secretKey);
  if (duplicate?.status === 'removed' && duplicate.retailer_id === summary.externalStoreId) {
    // The store was removed with its data kept: it comes back with that data and carries on syncing from its cursors.
    await db
      .updateTable('credentials')
      .set({
        connection_id: connectionId,
        domain_prefix: check.storeAddress,
        token_ciphertext: sealed.ciphertext,
        token_iv: sealed.iv,
        token_tag: sealed.tag,
        token_last4: token.slice(-4),
        retailer_name: summary.name,
        outlet_count: summary.locationCount,
        register_count: summary.registerCount,
        rate_limit: summary.rateLimit,
        status: 'active',
        status_reason: null,
        last_checked_at: new Date(),
        updated_at: new Date(),
      })
      .where('id', '=', duplicate.id)
      .execute();
    return findCredentialView(db, companyId, connector.provider, duplicate.id);
  }
  if (duplicate) {
    throw new AppError(409, 'credential_exists', `The store "${duplicate.domain_prefix}" is already connected. To use a new token for it, replace the token on its row.`, 'storeAddress');
  }
  const row = await db
    .insertInto('credentials')
    .values({
      connection_id: connectionId,
      company_id: companyId,
      domain_prefix: check.storeAddress,
      token_ciphertext: sealed.ciphertext,
      token_iv: sealed.iv,
      token_tag: sealed.tag,
      token_last4: token.slice(-4),
      retailer_id: summary.externalStoreId,
      retailer_name: summary.name,
      country: summary.country,
      currency: summary.currency,
      outlet_count: summary.locationCount,
      register_count: summary.registerCount,
      rate_limit: summary.rateLimit,
      last_checked_at: new Date(),
      webhook_secret: randomBytes(24).toString('hex'),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === '23505') {
        throw new AppError(409, 'credential_exists', 'That store is already connected.', 'storeAddress');
      }
      throw error;
    });
  return findCredentialView(db, companyId, connector.provider, row.id);
}

/** Replaces a credential's token (e.g. after it expired); the new token must open the same store. */
export async function replaceCredentialToken(
  db: Db,
  secretKey: Buffer,
  connector: PosConnector,
  companyId: string,
  credentialId: string,
  newToken: string,
): Promise<CredentialView> {
  const existing = await db
    .selectFrom('credentials')
    .select(['id', 'domain_prefix', 'retailer_id'])
    .where('id', '=', credentialId)
    .where('company_id', '=', companyId)
    .where('status', '<>', 'removed')
    .executeTakeFirst();
  if (!existing) throw notFound('That credential');
  const token = newToken.trim();
  const check = await connector.checkCredential({ token, storeAddress: existing.domain_prefix });
  if (!check.ok) throw new AppError(422, 'credential_rejected', check.message, check.field === 'storeAddress' ? 'token' : (check.field ?? undefined));
  if (check.summary.externalStoreId !== existing.retailer_id) {
    throw new AppError(422, 'credential_rejected', 'That token opens a different store. Use a token generated in the store this row connects.', 'token');
  }
  const sealed = seal(token, secretKey);
  await db
    .updateTable('credentials')
    .set({
      token_ciphertext: sealed.ciphertext,
      token_iv: sealed.iv,
      token_tag: sealed.tag,
      token_last4: token.slice(-4),
      status: 'active',
      status_reason: null,
      retailer_name: check.summary.name,
      outlet_count: check.summary.locationCount,
      register_count: check.summary.registerCount,
      rate_limit: check.summary.rateLimit,
      last_checked_at: new Date(),
      updated_at: new Date(),
    })
    .where('id', '=', credentialId)
    .where('company_id', '=', companyId)
    .execute();
  return findCredentialView(db, companyId, connector.provider, credentialId);
}

/**
 * Removes a store from the connection. `keep` leaves everything synced from it in place (customers
 * stay in their personas, sales in their totals, points earned stay) and wipes the token; `purge`
 * deletes what came from the store, including the points its sales earned, and re-derives the
 * personas it fed (those left with no source are archived).
 */
export async function removeCredential(db: Db, companyId: string, credentialId: string, data: 'keep' | 'purge'): Promise<{ personasAffected: number }> {
  return db.transaction().execute(async (trx) => {
    const credential = await trx
      .selectFrom('credentials')
      .select('id')
      .where('id', '=', credentialId)
      .where('company_id', '=', companyId)
      .where('status', '<>', 'removed')
      .forUpdate()
      .executeTakeFirst();
    if (!credential) throw notFound('That credential');
    if (data === 'keep') {
      await trx
        .updateTable('credentials')
        .set({
          status: 'removed',
          status_reason: 'Removed by the retailer; synced data kept.',
          token_ciphertext: Buffer.alloc(0),
          token_iv: Buffer.alloc(0),
          token_tag: Buffer.alloc(0),
          token_last4: '',
          webhook_secret: randomBytes(24).toString('hex'),
          updated_at: new Date(),
        })
        .where('id', '=', credentialId)
        .execute();
      return { personasAffected: 0 };
    }
    await lockCompanyPersonas(trx, companyId, 'exclusive');
    const personas = await trx.selectFrom('source_customers').select('persona_id').distinct().where('credential_id', '=', credentialId).where('persona_id', 'is not', null).execute();
    const personaIds = personas.map((row) => row.persona_id!);
    await sql`DELETE FROM loyalty_ledger WHERE sale_id IN (SELECT id FROM sales WHERE credential_id = ${credentialId})`.execute(trx);
    await trx.deleteFrom('credentials').where('id', '=', credentialId).execute();
    await refreshPersonas(trx, companyId, personaIds);
    await refreshPointBalances(trx, personaIds);
    await checkUnmappedLocations(trx, companyId);
    return { personasAffected: personaIds.length };
  });
}

/** "Update Connection": saves the age-gate confirmation and the Integration Settings. */
export async function updateConnection(
  db: Db,
  companyId: string,
  userId: string,
  provider: string,
  input: { ageGateConfirmed: boolean; settings: IntegrationSettings },
): Promise<{ credentialIds: string[]; connectionId: string; ageGateChanged: boolean }> {
  const connectionId = await ensureConnection(db, companyId, provider);
  const current = await db.selectFrom('connections').select(['age_gate_confirmed', 'sync_enabled_at']).where('id', '=', connectionId).executeTakeFirstOrThrow();
  const confirmationChanged = current.age_gate_confirmed !== input.ageGateConfirmed;
  await db
    .updateTable('connections')
    .set({
      settings: JSON.stringify(input.settings),
      age_gate_confirmed: input.ageGateConfirmed,
      sync_enabled_at: current.sync_enabled_at ?? new Date(),
      ...(confirmationChanged
        ? { age_gate_confirmed_at: input.ageGateConfirmed ? new Date() : null, age_gate_confirmed_by: input.ageGateConfirmed ? userId : null }
        : {}),
      updated_at: new Date(),
    })
    .where('id', '=', connectionId)
    .where('company_id', '=', companyId)
    .execute();
  const credentials = await db
    .selectFrom('credentials')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('company_id', '=', companyId)
    .where('status', '=', 'active')
    .execute();
  return { credentialIds: credentials.map((row) => row.id), connectionId, ageGateChanged: confirmationChanged };
}

async function findCredentialView(db: Db, companyId: string, provider: string, credentialId: string): Promise<CredentialView> {
  const view = await getConnectionView(db, companyId, provider);
  const credential = view.credentials.find((candidate) => candidate.id === credentialId);
  if (!credential) throw notFound('That credential');
  return credential;
}
