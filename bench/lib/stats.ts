import type { Figure, Target } from './types.ts';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p % of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100);

export function figure(scenario: string, name: string, unit: string, runs: number[], options: { target?: Target; note?: string } = {}): Figure {
  const value = median(runs);
  const result: Figure = { scenario, name, unit, runs: runs.map(round), median: round(value), min: round(Math.min(...runs)), max: round(Math.max(...runs)) };
  if (options.target) {
    result.target = options.target.text;
    const { op, value: bound } = options.target;
    result.met = op === '<' ? value < bound : op === '>=' ? value >= bound : value === bound;
  }
  if (options.note) result.note = options.note;
  return result;
}

export const seconds = (startedAt: number) => (performance.now() - startedAt) / 1000;
