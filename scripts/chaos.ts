// Long reliability campaigns against the emulator (the test suite runs short ones):
//
//   npm run chaos -- --seconds 120 --seed 7            fault campaign: random faults while the store changes
//   npm run chaos -- --crash --kills 20 --seed 7       crash campaign: kill -9 of real worker processes
//
// Options: --customers N --sales N (store size), --fault-scale X (fault probabilities × X).
// Uses TEST_DATABASE_URL when set, otherwise an embedded PostgreSQL in a temporary directory.
// Exits non-zero when anything was lost, duplicated or miscounted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-server.ts';
import { createTestDatabase } from '../test/helpers/test-database.ts';
import { runCrashCampaign } from '../test/reliability/crash-campaign.ts';
import { runFaultCampaign } from '../test/reliability/fault-campaign.ts';

const { values } = parseArgs({
  options: {
    crash: { type: 'boolean', default: false },
    kills: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    customers: { type: 'string' },
    sales: { type: 'string' },
    'fault-scale': { type: 'string', default: '1' },
  },
});

const number = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got "${text}"`);
    process.exit(2);
  }
  return value;
};
const seed = number('seed', values.seed, Math.floor(Math.random() * 1_000_000));

let embedded: EmbeddedServer | undefined;
let embeddedDir: string | undefined;
if (!process.env.TEST_DATABASE_URL) {
  embeddedDir = mkdtempSync(join(tmpdir(), 'patron-chaos-pg-'));
  embedded = await startEmbeddedPostgres(embeddedDir);
  process.env.TEST_DATABASE_URL = embedded.url;
}
const emulator = await startEmulator();
const database = await createTestDatabase();
const log = (line: string) => console.log(line);

let failed = false;
try {
  if (values.crash) {
    const kills = number('kills', values.kills, 20);
    console.log(`crash campaign: seed ${seed}, ${kills} kills`);
    const figures = await runCrashCampaign({
      db: database.db,
      databaseUrl: database.url,
      emulator,
      kills,
      seed,
      customers: number('customers', values.customers, 4000),
      sales: number('sales', values.sales, 6000),
      log,
    });
    console.log(`kills survived: ${figures.kills} (${figures.killsDuringBackfill} during the backfill, ${figures.killsDuringIncremental} during incremental syncs; ${figures.killsMidRun} landed mid-run)`);
    console.log(`interrupted runs recovered: ${figures.interruptedRuns}; live changes: ${figures.liveChanges}; overlapping runs: ${figures.overlappingRuns}`);
    report(figures);
  } else {
    const seconds = number('seconds', values.seconds, 60);
    console.log(`fault campaign: seed ${seed}, ${seconds} s`);
    const figures = await runFaultCampaign({
      db: database.db,
      emulator,
      domainPrefix: `chaos-${seed}`,
      seconds,
      seed,
      customers: number('customers', values.customers, 2000),
      sales: number('sales', values.sales, 4000),
      faultScale: number('fault-scale', values['fault-scale'], 1),
      log,
    });
    console.log(`faults injected: ${figures.faultsInjected} in ${figures.requests} requests ${JSON.stringify(figures.faultsByKind)}`);
    console.log(`runs: ${figures.runs} (${figures.runsSucceeded} succeeded, ${figures.transientFailures} failed and were retried, ${figures.rateLimitWaits} rate-limit waits, token revoked and replaced: ${figures.tokenRevokedAndReplaced})`);
    console.log(`live changes: ${figures.liveChanges} ${JSON.stringify(figures.liveChangesByKind)}`);
    report(figures);
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.stack : error);
} finally {
  await database.drop();
  await emulator.close();
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function report(figures: { recordsCompared: number; personasChecked: number; balancesChecked: number; duplicates: number; mismatches: string[]; durationMs: number; seed: number }) {
  console.log(`records compared: ${figures.recordsCompared}; personas checked: ${figures.personasChecked}; balances checked: ${figures.balancesChecked}`);
  console.log(`duplicates: ${figures.duplicates}`);
  console.log(`mismatches: ${figures.mismatches.length}`);
  for (const line of figures.mismatches.slice(0, 20)) console.log(`  ${line}`);
  console.log(`seed ${figures.seed}, ${Math.round(figures.durationMs / 1000)} s`);
  if (figures.mismatches.length > 0) failed = true;
}
