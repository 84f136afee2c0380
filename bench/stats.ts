import { Agent, request } from 'node:http';
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

/** Requests sent by a few clients at once: how many, how many per second, and their latencies. */
export interface Load {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** node:http with keep-alive: fetch costs three times as much, in the process that also serves. */
const agent = new Agent({ keepAlive: true });

/** GET `url`, or POST `body` as JSON; anything but a 200 is an error. */
function send(url: string, headers: Record<string, string>, body?: unknown): Promise<void> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  const type = json === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      { method: json ? 'POST' : 'GET', agent, headers: { ...headers, ...type } },
      (response) => {
        let answer = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          answer += chunk;
        });
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`${url}: ${response.statusCode} ${answer}`)),
        );
      },
    );
    sent.on('error', reject).end(json);
  });
}

/** Each client sends its requests one after another, every client at once; every request is timed. */
export async function drive(
  clients: string[][],
  headers: Record<string, string>,
  body?: unknown,
): Promise<Load> {
  const samples: number[] = [];
  const start = performance.now();
  await Promise.all(
    clients.map(async (urls) => {
      for (const url of urls) await timed(samples, () => send(url, headers, body));
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    perSecond: samples.length / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}
