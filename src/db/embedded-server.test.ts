import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedSharedBuffersMb, startEmbeddedPostgres } from './embedded-server.ts';

const GB = 2 ** 30;

test('the embedded server gets an eighth of the memory for its page cache, between 128 MB and 2 GB', () => {
  assert.equal(embeddedSharedBuffersMb(0.5 * GB), 128);
  assert.equal(embeddedSharedBuffersMb(2 * GB), 256);
  assert.equal(embeddedSharedBuffersMb(8 * GB), 1024);
  assert.equal(embeddedSharedBuffersMb(24 * GB), 2048);
  assert.equal(embeddedSharedBuffersMb(256 * GB), 2048);
});

test('the embedded server starts with that page cache and answers on its URL', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'patron-embedded-'));
  const server = await startEmbeddedPostgres(dataDir);
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ shared_buffers: string }>('SHOW shared_buffers');
      const expected = embeddedSharedBuffersMb(totalmem());
      assert.equal(rows[0]?.shared_buffers, expected % 1024 === 0 ? `${expected / 1024}GB` : `${expected}MB`);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
