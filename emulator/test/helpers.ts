/**
 * Test helpers: an HTTP client for the emulator and a small OpenAPI 3.0 schema validator used by the
 * conformance tests (type, nullable, properties, required, items, enum, $ref, allOf).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../index.ts';
import type { Store } from '../store.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const specDir = resolve(repoRoot, '../shared/lightspeed-specs');

/** Load a spec file from ../shared/lightspeed-specs, or null when it is not there. */
export function loadSpec(file: string): Record<string, unknown> | null {
  const p = resolve(specDir, file);
  if (!existsSync(p)) return null;
  return JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Call a store's API path (e.g. "/api/2.0/customers?page_size=5") with its token unless overridden. */
export async function call(
  emu: Emulator,
  store: Store | string,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const prefix = typeof store === 'string' ? store : store.domainPrefix;
  const token = init.token === undefined ? (typeof store === 'string' ? null : store.token) : init.token;
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (token) headers['Authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(`${emu.baseUrl(prefix)}${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Walk a collection with the version cursor the way a sync client does; returns rows and page count. */
export async function scan(emu: Emulator, store: Store, resource: string, params: Record<string, string> = {}, onPage?: (n: number) => void) {
  const rows: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let after = 0;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ ...params, after: String(after) });
    const r = await call(emu, store, `/api/2.0/${resource}?${q}`);
    if (r.status !== 200) throw new Error(`${resource}: HTTP ${r.status} ${r.text}`);
    pages++;
    if (r.json.data.length === 0) return { rows, pages };
    rows.push(...r.json.data);
    after = r.json.version.max;
    onPage?.(pages);
  }
}

// ------------------------------------------------------------------ OpenAPI validation

type Schema = Record<string, unknown>;

export interface ValidateOptions {
  /** Report schema properties missing from the value ("field for field" check). */
  requireAllProperties?: boolean;
  /** Report keys the schema does not declare. */
  reportExtraKeys?: boolean;
  /**
   * Documented deviations, keyed "<SchemaName>.<property>": either "extra" (key allowed though not in the
   * schema), "absent" (may be missing), or a type name the real API sends instead ("string", "null", "integer").
   */
  exceptions?: Record<string, string | string[]>;
}

export class SchemaValidator {
  constructor(private readonly spec: Record<string, any>) {} // eslint-disable-line @typescript-eslint/no-explicit-any

  schema(name: string): Schema {
    const s = this.spec['components']?.['schemas']?.[name] as Schema | undefined;
    if (!s) throw new Error(`no schema ${name}`);
    return s;
  }

  /** Validate `value` against components.schemas[name]; returns human-readable errors. */
  validate(name: string, value: unknown, opts: ValidateOptions = {}): string[] {
    const errors: string[] = [];
    this.check({ $ref: `#/components/schemas/${name}` }, value, name, errors, opts, name);
    return errors;
  }

  private resolve(ref: string): { schema: Schema; name: string } {
    const name = ref.replace('#/components/schemas/', '');
    return { schema: this.schema(name), name };
  }

  private allowed(opts: ValidateOptions, key: string, what: string): boolean {
    const e = opts.exceptions?.[key];
    if (e === undefined) return false;
    return Array.isArray(e) ? e.includes(what) : e === what;
  }

  private check(s: Schema, v: unknown, at: string, errors: string[], opts: ValidateOptions, owner: string, propKey?: string): void {
    if (typeof s['$ref'] === 'string') {
      const r = this.resolve(s['$ref']);
      return this.check(r.schema, v, at, errors, opts, r.name, propKey);
    }
    if (Array.isArray(s['allOf'])) {
      for (const sub of s['allOf'] as Schema[]) this.check(sub, v, at, errors, opts, owner, propKey);
    }
    const exKey = propKey ?? owner;
    if (v === null) {
      if (s['nullable'] !== true && !this.allowed(opts, exKey, 'null')) errors.push(`${at}: null but not nullable`);
      return;
    }
    const type = s['type'] as string | undefined;
    const actual = Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
    if (type) {
      const ok =
        type === actual ||
        (type === 'number' && actual === 'integer') ||
        (type === 'integer' && actual === 'integer') ||
        this.allowed(opts, exKey, actual === 'integer' ? 'integer' : actual);
      if (!ok) {
        errors.push(`${at}: expected ${type}, got ${actual}`);
        return;
      }
    }
    if (Array.isArray(s['enum']) && !(s['enum'] as unknown[]).includes(v)) errors.push(`${at}: ${JSON.stringify(v)} not in enum`);
    if (actual === 'array' && s['items']) {
      (v as unknown[]).forEach((item, i) => this.check(s['items'] as Schema, item, `${at}[${i}]`, errors, opts, owner, propKey ? `${propKey}[]` : undefined));
    }
    if (actual === 'object' && (s['properties'] || s['required'])) {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      const o = v as Record<string, unknown>;
      for (const req of (s['required'] ?? []) as string[]) {
        if (!(req in o) && !this.allowed(opts, `${owner}.${req}`, 'absent')) errors.push(`${at}.${req}: required but missing`);
      }
      for (const [k, ps] of Object.entries(props)) {
        if (k in o) this.check(ps, o[k], `${at}.${k}`, errors, opts, owner, `${owner}.${k}`);
        else if (opts.requireAllProperties && !this.allowed(opts, `${owner}.${k}`, 'absent')) errors.push(`${at}.${k}: schema property missing`);
      }
      if (opts.reportExtraKeys) {
        for (const k of Object.keys(o)) {
          if (!(k in props) && !this.allowed(opts, `${owner}.${k}`, 'extra')) errors.push(`${at}.${k}: key not in schema ${owner}`);
        }
      }
    }
  }
}

/** Start a local HTTP receiver on 127.0.0.1:0 that records requests; `respond` picks each status. */
export async function startReceiver(respond: (n: number) => number | 'hang' = () => 200) {
  const { createServer } = await import('node:http');
  const hits: Array<{ at: number; headers: Record<string, unknown>; body: string; form: URLSearchParams }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hits.push({ at: Date.now(), headers: req.headers, body, form: new URLSearchParams(body) });
      const r = respond(hits.length);
      if (r === 'hang') return; // never answer: the sender's timeout must fire
      res.writeHead(r);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/secret123`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
