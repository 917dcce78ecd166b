// Runs every test file with node:test. Node 20 does not expand globs, so the list is built here:
// every *.test.ts under src/, emulator/ and test/, plus the browser tests (*.e2e.ts) under test/e2e/.
// Exits non-zero when no test file is found, so CI can never pass on an empty suite.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'emulator', 'test'];
const isTestFile = (name) => name.endsWith('.test.ts') || name.endsWith('.e2e.ts');

function collect(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'artifacts') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...collect(path));
    else if (isTestFile(entry.name)) found.push(path);
  }
  return found;
}

const filter = process.argv.slice(2);
let files = roots.flatMap((root) => collect(root)).sort();
if (filter.length > 0) files = files.filter((file) => filter.some((part) => file.includes(part)));
if (files.length === 0) {
  console.error('No test files found: refusing to report success on an empty suite.');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
