// Runs every test file with node:test. Node 20 does not expand globs, so the file list is built
// here: every *.test.ts under src/, emulator/ and test/, and the browser tests (*.e2e.ts).
// Without TEST_DATABASE_URL it starts an embedded PostgreSQL for the run and removes it afterwards.
// It fails when no test file is found, so CI can never pass on an empty suite.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-server.ts';

const roots = ['src', 'emulator', 'test'];
const isTestFile = (name: string) => name.endsWith('.test.ts') || name.endsWith('.e2e.ts');

function collect(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'artifacts') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...collect(path));
    else if (isTestFile(entry.name)) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
let files = roots.flatMap((root) => collect(root)).sort();
if (filters.length > 0) files = files.filter((file) => filters.some((part) => file.includes(part)));
if (files.length === 0) {
  console.error('No test files found: refusing to report success on an empty suite.');
  process.exit(1);
}

let embedded: EmbeddedServer | undefined;
let embeddedDir: string | undefined;
const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  embeddedDir = mkdtempSync(join(tmpdir(), 'patron-test-pg-'));
  const started = Date.now();
  embedded = await startEmbeddedPostgres(embeddedDir);
  env.TEST_DATABASE_URL = embedded.url;
  console.log(`# embedded PostgreSQL for the tests started in ${Date.now() - started} ms`);
} else {
  console.log(`# tests use TEST_DATABASE_URL (${new URL(env.TEST_DATABASE_URL).host})`);
}

const concurrency = env.TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files],
  { stdio: 'inherit', env },
);
const code: number = await new Promise((resolveCode) => child.on('exit', (status) => resolveCode(status ?? 1)));
await embedded?.stop();
if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
process.exit(code);
