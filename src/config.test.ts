import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, ConfigError } from './config.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'patron-config-'));

test('defaults: port 3000, embedded database, Lightspeed production URL, key generated with mode 0600', () => {
  const dataDir = freshDir();
  const config = loadConfig({ PATRON_DATA_DIR: dataDir });
  assert.equal(config.port, 3000);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.lightspeedBaseUrl, 'https://{domain_prefix}.retail.lightspeed.app');
  assert.equal(config.secretKey.length, 32);
  const keyFile = join(dataDir, 'secret.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(readFileSync(keyFile, 'utf8').trim(), config.secretKey.toString('hex'));
  assert.deepEqual(loadConfig({ PATRON_DATA_DIR: dataDir }).secretKey, config.secretKey, 'the same key on the next start');
});

test('every bad variable is reported at once, by name, with what to put there', () => {
  assert.throws(
    () =>
      loadConfig({
        PATRON_DATA_DIR: freshDir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://nope',
        PATRON_SECRET_KEY: 'short',
        LIGHTSPEED_BASE_URL: 'https://example.com',
        PUBLIC_URL: 'not a url',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['PORT', 'DATABASE_URL', 'PATRON_SECRET_KEY', 'LIGHTSPEED_BASE_URL', 'PUBLIC_URL']) {
        assert.match(error.message, new RegExp(`${name}:`), name);
      }
      assert.match(error.message, /\{domain_prefix\}/);
      return true;
    },
  );
});

test('explicit values win; empty strings count as unset; trailing slashes are trimmed', () => {
  const key = 'ab'.repeat(32);
  const config = loadConfig({
    PATRON_DATA_DIR: freshDir(),
    PORT: '8080',
    DATABASE_URL: 'postgres://u@db:5432/patron',
    PATRON_SECRET_KEY: key,
    LIGHTSPEED_BASE_URL: 'http://127.0.0.1:4010/{domain_prefix}/',
    PUBLIC_URL: 'https://patron.example.com/',
    LOG_LEVEL: '',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.databaseUrl, 'postgres://u@db:5432/patron');
  assert.equal(config.secretKey.toString('hex'), key);
  assert.equal(config.lightspeedBaseUrl, 'http://127.0.0.1:4010/{domain_prefix}');
  assert.equal(config.publicUrl, 'https://patron.example.com');
  assert.equal(config.logLevel, 'info');
});
