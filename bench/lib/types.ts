import type { Emulator } from '../../emulator/index.ts';

export type Scale = 'small' | 'medium' | 'large';

/** How big each scenario runs at one scale. */
export type ScaleSpec = {
  /** Store synced through the emulator (backfill, requests, incremental, memory). */
  customers: number;
  sales: number;
  /** Repetitions of each measured step (the figure is their median, with min and max). */
  runs: number;
  /** Personas and sales generated in SQL for the read paths, favorite store and ledger scenarios. */
  readPersonas: number;
  readSales: number;
  /** Calls per batch for each read-path query (three batches per query). */
  queryCalls: number;
  /** Sales rung up one after another to measure sale → points through webhooks (~1 s each; at the small scale, which checks the harness, five). */
  webhookSamples: number;
  /** Sales measured through the 1-minute polling schedule (each can take up to ~70 s). */
  pollingSamples: number;
  /** Finished sync runs in the table for the scheduler-tick scenario (a store on the 1-minute schedule adds 1,440 a day). */
  syncRuns: number;
  /** Whether the emulator-driven sync scenarios run by default at this scale. */
  syncScenarios: boolean;
};

export const scales: Record<Scale, ScaleSpec> = {
  small: { customers: 2_000, sales: 8_000, runs: 3, readPersonas: 5_000, readSales: 20_000, queryCalls: 20, webhookSamples: 5, pollingSamples: 0, syncRuns: 50_000, syncScenarios: true },
  medium: { customers: 100_000, sales: 500_000, runs: 3, readPersonas: 100_000, readSales: 500_000, queryCalls: 30, webhookSamples: 10, pollingSamples: 3, syncRuns: 2_000_000, syncScenarios: true },
  large: { customers: 1_000_000, sales: 5_000_000, runs: 1, readPersonas: 1_000_000, readSales: 5_000_000, queryCalls: 30, webhookSamples: 10, pollingSamples: 3, syncRuns: 10_000_000, syncScenarios: false },
};

export type Target = { op: '<' | '>=' | '='; value: number; text: string };

/** One reported number: the median of `runs`, with min and max, and where it applies a target. */
export type Figure = {
  scenario: string;
  name: string;
  unit: string;
  runs: number[];
  median: number;
  min: number;
  max: number;
  target?: string;
  met?: boolean;
  note?: string;
};

export type BenchContext = {
  scale: Scale;
  spec: ScaleSpec;
  emulator: Emulator;
  /** The PostgreSQL server every benchmark database is created on. */
  serverUrl: string;
  /** State one scenario leaves for the next (a synced store, generated data). */
  shared: Map<string, unknown>;
  log(message: string): void;
};

export type Scenario = {
  name: string;
  /** Runs at this scale unless `--only` names it. */
  runsByDefault(spec: ScaleSpec): boolean;
  run(context: BenchContext): Promise<Figure[]>;
};
