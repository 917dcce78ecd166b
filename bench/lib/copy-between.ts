import pg from 'pg';
import { copyRows } from './copy.ts';

type PoolClient = Parameters<typeof copyRows>[0];

/** Every value as PostgreSQL's own text output, which is what COPY's text format reads back. */
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * Reads a table of one database and COPYs its rows into the same table of another, in batches,
 * timing only the COPY. The company and credential columns take the target's ids (the target is
 * a fresh database with its own company); everything else is copied as the source stored it.
 * Generated columns are left to the target to compute, as they would be on any insert.
 */
export async function copyTableBetween(
  sourceUrl: string,
  target: PoolClient,
  table: string,
  options: { ids: { company_id: string; credential_id: string }; orderBy?: string; batch?: number },
): Promise<{ rows: number; copyMs: number }> {
  const source = new pg.Client({ connectionString: sourceUrl, types: asText });
  await source.connect();
  try {
    const columns = (
      await source.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [table],
      )
    ).rows.map((row) => row.column_name);
    const substituted = new Map(Object.entries(options.ids));
    const selectList = columns.map((column) => (substituted.has(column) ? `'${substituted.get(column)}'::uuid AS ${column}` : column)).join(', ');
    await source.query('BEGIN');
    await source.query(`DECLARE rows_to_copy NO SCROLL CURSOR FOR SELECT ${selectList} FROM ${table}${options.orderBy ? ` ORDER BY ${options.orderBy}` : ''}`);
    let rows = 0;
    let copyMs = 0;
    for (;;) {
      const batch = await source.query<string[]>({ text: `FETCH ${options.batch ?? 10_000} FROM rows_to_copy`, rowMode: 'array' });
      if (batch.rows.length === 0) break;
      const startedAt = performance.now();
      rows += await copyRows(target, table, columns, batch.rows);
      copyMs += performance.now() - startedAt;
    }
    await source.query('COMMIT');
    return { rows, copyMs };
  } finally {
    await source.end();
  }
}
