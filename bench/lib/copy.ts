import type pg from 'pg';

/**
 * `COPY table (columns) FROM STDIN` in PostgreSQL's text format, without pg-copy-streams (not a
 * dependency): node-postgres accepts any object with `submit(connection)` as a query, and its
 * connection can send CopyData / CopyDone messages. The whole batch is encoded up front and sent in
 * 64 KiB chunks; the promise settles on ReadyForQuery with the row count, or the server's error.
 */
type CopyConnection = { query(text: string): void; sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

export type CopyValue = string | number | boolean | null | string[] | Record<string, unknown>;

export function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: CopyValue[][]): Promise<number> {
  const payload = Buffer.from(rows.map((row) => row.map(encodeField).join('\t')).join('\n') + '\n', 'utf8');
  return new Promise((resolve, reject) => {
    let copied = 0;
    let failure: Error | undefined;
    const submittable = {
      submit(connection: CopyConnection) {
        connection.query(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
      },
      handleCopyInResponse(connection: CopyConnection) {
        for (let offset = 0; offset < payload.length; offset += 65_536) connection.sendCopyFromChunk(payload.subarray(offset, offset + 65_536));
        connection.endCopyFrom();
      },
      handleCommandComplete(message: { text?: string }) {
        copied = Number(/COPY (\d+)/.exec(message.text ?? '')?.[1] ?? 0);
      },
      handleError(error: Error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve(copied);
      },
    };
    client.query(submittable as unknown as pg.QueryConfig);
  });
}

/** Text-format escaping: backslash, tab, newline and carriage return; `\N` is NULL. */
const escapeText = (text: string) => text.replace(/[\\\t\n\r]/g, (match) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[match]!);

function encodeField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeText(value);
  if (Array.isArray(value)) return escapeText(`{${value.map((item) => `"${item.replace(/["\\]/g, (match) => `\\${match}`)}"`).join(',')}}`);
  return escapeText(JSON.stringify(value));
}
