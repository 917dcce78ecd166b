import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { listMigrations, migrate } from './migrate.ts';
import { openDatabase } from './database.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database.drop();
});

test('migrations are numbered plain-SQL files, applied once and recorded', async () => {
  const migrations = listMigrations();
  assert.ok(migrations.length > 0);
  assert.deepEqual(migrations.map((m) => m.id), [...migrations.map((m) => m.id)].sort((a, b) => a - b));
  const recorded = await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY id`.execute(database.db);
  assert.deepEqual(recorded.rows.map((row) => row.name), migrations.map((m) => m.name));
  assert.deepEqual(await migrate(database.pool), [], 'nothing left to apply');
});

test('several processes migrating at once apply each migration exactly once', async () => {
  await sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public`.execute(database.db);
  const handles = Array.from({ length: 4 }, () => openDatabase(database.url, { max: 2 }));
  try {
    const results = await Promise.all(handles.map((handle) => migrate(handle.pool)));
    const appliedCounts = results.map((applied) => applied.length).sort();
    assert.deepEqual(appliedCounts, [0, 0, 0, listMigrations().length]);
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
  const tables = await sql<{ count: number }>`SELECT count(*)::int AS count FROM schema_migrations`.execute(database.db);
  assert.equal(tables.rows[0]!.count, listMigrations().length);
});
