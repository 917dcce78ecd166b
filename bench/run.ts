/**
 * Patron's benchmarks: `npm run bench -- --scale small|medium|large [--only scenario[,scenario]]`.
 *
 * Starts its own emulator (in this process) and an isolated PostgreSQL (a fresh embedded server in a
 * temporary directory, or the server at BENCH_DATABASE_URL, on which it creates and drops its own
 * databases), runs the scenarios, then writes bench/results/<date>-<scale>.json and this scale's
 * section of bench/RESULTS.md. Benchmarks print figures; nothing here asserts on timing. `--out DIR`
 * writes the report under DIR instead of bench/ (CI runs the small scale that way, to check that the
 * harness works). A scenario that fails makes the run exit with status 1, after the others have run
 * and the report is written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmulator } from '../emulator/index.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-server.ts';
import type { ConnectedCompany } from './lib/sync-setup.ts';
import { machineInfo, writeReport } from './lib/results.ts';
import { scales, type BenchContext, type Figure, type Scale, type Scenario } from './lib/types.ts';
import { backfill } from './scenarios/backfill.ts';
import { requests } from './scenarios/requests.ts';
import { incremental } from './scenarios/incremental.ts';
import { rateLimited } from './scenarios/rate-limited.ts';
import { freshness } from './scenarios/freshness.ts';
import { memory } from './scenarios/memory.ts';
import { readPaths } from './scenarios/read-paths.ts';
import { personasPage } from './scenarios/personas-page.ts';
import { favoriteStore } from './scenarios/favorite-store.ts';
import { ledger } from './scenarios/ledger.ts';
import { schedulerTick } from './scenarios/scheduler-tick.ts';

// Memory before incremental: the company its worker synced saves the incremental scenario a backfill.
const all: Scenario[] = [backfill, requests, memory, incremental, rateLimited, freshness, readPaths, personasPage, favoriteStore, ledger, schedulerTick];

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' }, only: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' } } });
const scale = values.scale as Scale;
if (!(scale in scales)) {
  console.error(`--scale must be one of ${Object.keys(scales).join(', ')}`);
  process.exit(2);
}
const spec = { ...scales[scale], ...(values.runs ? { runs: Math.max(1, Number(values.runs)) } : {}) };
const only = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = only?.filter((name) => !all.some((scenario) => scenario.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`Unknown scenario(s) ${unknown.join(', ')}; choose from ${all.map((scenario) => scenario.name).join(', ')}`);
  process.exit(2);
}
const selected = all.filter((scenario) => (only ? only.includes(scenario.name) : scenario.runsByDefault(spec)));

const startedAt = performance.now();
const date = new Date().toISOString();
let embedded: EmbeddedServer | undefined;
let embeddedDir: string | undefined;
let serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl) {
  embeddedDir = mkdtempSync(join(tmpdir(), 'patron-bench-pg-'));
  embedded = await startEmbeddedPostgres(embeddedDir);
  serverUrl = embedded.url;
}
// Ctrl-C must not leave the embedded server running (it runs in its own process group).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the embedded PostgreSQL`);
    void (embedded?.stop() ?? Promise.resolve()).finally(() => {
      if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}
// The test helpers (migrated template, fresh database per use) read the server from here.
process.env.TEST_DATABASE_URL = serverUrl;
const probe = new pg.Client({ connectionString: serverUrl });
await probe.connect();
const postgres = ((await probe.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?').split(' ')[0]!;
const sharedBuffers = (await probe.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]?.shared_buffers ?? '?';
await probe.end();

const emulator = await startEmulator({ requestLogCap: 20_000 });
const log = (scenario: string) => (message: string) => console.log(`  [${scenario}] ${message}`);
const shared = new Map<string, unknown>();
const figures: Figure[] = [];
const failed: string[] = [];
const notes: string[] = [
  `The machine's ${cpus().length} cores run the emulator, Patron and PostgreSQL together (and whatever else ran on the machine at the time): treat absolute numbers as noisy lower bounds; ratios measured in the same run are the steadier figures.`,
];
console.log(`Patron bench, scale ${scale} (${JSON.stringify(spec)}), PostgreSQL ${postgres} (${embedded ? 'embedded, fresh' : 'BENCH_DATABASE_URL'})`);
try {
  for (const scenario of selected) {
    const context: BenchContext = { scale, spec, emulator, serverUrl, shared, log: log(scenario.name) };
    const scenarioStart = performance.now();
    console.log(`▶ ${scenario.name}`);
    try {
      const produced = await scenario.run(context);
      figures.push(...produced);
      for (const item of produced) {
        console.log(`  ${item.name}: ${item.median} ${item.unit} (min ${item.min}, max ${item.max}, ${item.runs.length} run${item.runs.length === 1 ? '' : 's'})${item.target ? ` target ${item.target}: ${item.met ? 'met' : 'MISSED'}` : ''}`);
      }
    } catch (error) {
      console.error(`  ${scenario.name} failed:`, error);
      failed.push(scenario.name);
      notes.push(`Scenario ${scenario.name} failed: ${(error as Error).message.split('\n')[0]}`);
    }
    console.log(`  (${((performance.now() - scenarioStart) / 1000).toFixed(1)} s)`);
  }
} finally {
  await (shared.get('synced') as ConnectedCompany | undefined)?.database.drop().catch(() => undefined);
  await (shared.get('generated') as ConnectedCompany | undefined)?.database.drop().catch(() => undefined);
  await emulator.close();
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}

const written = writeReport({
  date,
  scale,
  machine: machineInfo(`PostgreSQL ${postgres}`, `${embedded ? 'embedded server' : 'BENCH_DATABASE_URL'}, shared_buffers ${sharedBuffers}`),
  scenarios: selected.map((scenario) => scenario.name),
  durationSeconds: (performance.now() - startedAt) / 1000,
  figures,
  notes,
}, values.out);
console.log(`Wrote ${written.json} and ${written.markdown} (${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)`);
if (failed.length > 0) {
  console.error(`Failed scenario(s): ${failed.join(', ')} (see above)`);
  process.exit(1);
}
