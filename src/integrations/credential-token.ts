import type { Db } from '../db/database.ts';
import { open } from '../secrets/token-cipher.ts';
import type { CredentialStatus } from '../db/tables.ts';

/** A credential as the sync needs it, with its token decrypted. Never log the result. */
export type CredentialForSync = {
  id: string;
  companyId: string;
  provider: string;
  storeAddress: string;
  storeName: string;
  /** The store's country (ISO 3166 alpha-2), for reading national phone numbers. */
  country: string | null;
  status: CredentialStatus;
  token: string;
  settings: unknown;
  syncEnabled: boolean;
};

export async function loadCredentialForSync(db: Db, secretKey: Buffer, credentialId: string): Promise<CredentialForSync | undefined> {
  const row = await db
    .selectFrom('credentials')
    .innerJoin('connections', 'connections.id', 'credentials.connection_id')
    .select([
      'credentials.id',
      'credentials.company_id as companyId',
      'connections.provider',
      'credentials.domain_prefix as storeAddress',
      'credentials.retailer_name as storeName',
      'credentials.country',
      'credentials.status',
      'credentials.token_ciphertext',
      'credentials.token_iv',
      'credentials.token_tag',
      'connections.settings',
      'connections.sync_enabled_at',
    ])
    .where('credentials.id', '=', credentialId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_ciphertext, token_iv, token_tag, sync_enabled_at, ...rest } = row;
  return {
    ...rest,
    // A removed credential's token is wiped: there is nothing to decrypt.
    token: rest.status === 'removed' ? '' : open({ ciphertext: token_ciphertext, iv: token_iv, tag: token_tag }, secretKey),
    syncEnabled: sync_enabled_at !== null,
  };
}
