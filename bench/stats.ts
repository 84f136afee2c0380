import pg from 'pg';

/** Figures for the benchmarks: percentiles and a plain table. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Measurement {
  system: string;
  database: 'postgres' | 'pglite';
  workers: number;
  jobs: number;
  seconds: number;
  claimMs: number[];
}

export function jobsPerSecond(m: Measurement): number {
  return m.jobs / m.seconds;
}

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(headers));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

export async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  samples.push(performance.now() - start);
  return result;
}

/** Fresh planner statistics, so every system is measured with the plan it would settle on. */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('analyze');
  await client.end();
}

/** How long each job's work takes, in ms: no time at all, or spread so completions do not line up. */
export type JobTime = () => number;
export const NO_OP: JobTime = () => 0;
export const SPREAD_MS = 50;
export const SPREAD: JobTime = () => Math.random() * SPREAD_MS;

/** A job's work: a sleep of its time (no timer at all for a no-op, which finishes in the same turn). */
export function doWork(time: JobTime): Promise<void> {
  const ms = time();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
