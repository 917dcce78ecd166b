import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { open, seal } from './token-cipher.ts';

/** A key given on the command line or in the environment: 64 hex characters (32 bytes). */
export function parseKeyHex(text: string | undefined, what: string): Buffer {
  if (!text || !/^[0-9a-fA-F]{64}$/.test(text.trim())) {
    throw new KeyError(`${what} must be 64 hex characters (32 bytes), e.g. from \`openssl rand -hex 32\`.`);
  }
  return Buffer.from(text.trim(), 'hex');
}

export class KeyError extends Error {
  override name = 'KeyError';
}

/**
 * Re-encrypts every stored credential token under `newKey`, in one transaction: either every token
 * moves to the new key or none does. Every token is first opened with `currentKey`, so a wrong
 * current key changes nothing. Returns how many tokens were re-encrypted.
 */
export async function reencryptTokens(db: Db, currentKey: Buffer, newKey: Buffer): Promise<number> {
  if (currentKey.equals(newKey)) throw new KeyError('The new key is the key already in use; generate a new one with `openssl rand -hex 32`.');
  return db.transaction().execute(async (trx) => {
    // Locked so that a token replaced in the meantime cannot be overwritten with an old one.
    const rows = await sql<{ id: string; token_ciphertext: Buffer; token_iv: Buffer; token_tag: Buffer }>`
      SELECT id, token_ciphertext, token_iv, token_tag FROM credentials ORDER BY id FOR UPDATE`.execute(trx);
    for (const row of rows.rows) {
      let token: string;
      try {
        token = open({ ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag }, currentKey);
      } catch {
        throw new KeyError(`The current key cannot decrypt credential ${row.id}: PATRON_SECRET_KEY (or the data directory's secret.key) is not the key the tokens were stored with. Nothing was changed.`);
      }
      const sealed = seal(token, newKey);
      await trx
        .updateTable('credentials')
        .set({ token_ciphertext: sealed.ciphertext, token_iv: sealed.iv, token_tag: sealed.tag })
        .where('id', '=', row.id)
        .execute();
    }
    return rows.rows.length;
  });
}

/**
 * True when `key` opens the stored tokens (checked on one credential), or when none is stored yet.
 * Patron checks this at start so that a wrong key stops it with a clear message before it touches
 * anything, instead of failing every sync later.
 */
export async function keyOpensStoredTokens(db: Db, key: Buffer): Promise<{ ok: true } | { ok: false; credentialId: string }> {
  const row = await db.selectFrom('credentials').select(['id', 'token_ciphertext', 'token_iv', 'token_tag']).orderBy('created_at').limit(1).executeTakeFirst();
  if (!row) return { ok: true };
  try {
    open({ ciphertext: row.token_ciphertext, iv: row.token_iv, tag: row.token_tag }, key);
    return { ok: true };
  } catch {
    return { ok: false, credentialId: row.id };
  }
}

export type RotateKeyResult = { rotated: number; keyFile: string | undefined; instructions: string };

/**
 * `patron rotate-key --new-key <hex>`: re-encrypts every token, then says what the operator must do.
 * When the current key came from the data directory's key file (no PATRON_SECRET_KEY), the file is
 * rewritten: the new key is written next to it first and moved into place only after the database
 * has committed, so a crash in between leaves `secret.key.new` holding the key that now works.
 */
export async function rotateKey(db: Db, options: { currentKey: Buffer; newKeyHex: string | undefined; keyFromEnv: boolean; dataDir: string }): Promise<RotateKeyResult> {
  const newKey = parseKeyHex(options.newKeyHex, '--new-key');
  const keyFile = options.keyFromEnv ? undefined : join(options.dataDir, 'secret.key');
  const staged = keyFile ? `${keyFile}.new` : undefined;
  if (staged) writeFileSync(staged, newKey.toString('hex') + '\n', { mode: 0o600 });
  let rotated: number;
  try {
    rotated = await reencryptTokens(db, options.currentKey, newKey);
  } catch (error) {
    if (staged && existsSync(staged)) rmSync(staged, { force: true });
    throw error;
  }
  if (keyFile && staged) {
    renameSync(staged, keyFile);
    return {
      rotated,
      keyFile,
      instructions: `${keyFile} now holds the new key. Restart every Patron process (web and workers) so they use it, and update your backups of the key file.`,
    };
  }
  return {
    rotated,
    keyFile: undefined,
    instructions:
      'Now set PATRON_SECRET_KEY to the new key for every Patron process (web and workers) and restart them. Until then they hold the old key and cannot decrypt the tokens.',
  };
}
