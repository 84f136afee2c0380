/**
 * `npm run bench:queue`: claim + complete throughput and claim latency of Workhorse's queue with 1 and 4
 * workers, on PostgreSQL and PGlite, against the same no-op workload on graphile-worker, pg-boss
 * (single-job fetch) and a bare SKIP LOCKED loop, all in this one process. Every system runs once per
 * round, rounds interleaved, and the table gives each one's median: a shared machine's noise then falls on
 * all systems alike instead of on whichever ran during a slow spell.
 */
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createDatabase, dropDatabase, uniqueName } from '../test/support/postgres.ts';
import { jobsPerSecond, type Measurement, median, percentile, printTable } from './stats.ts';
import { drainBare, prepareBare } from './systems/bare.ts';
import { runGraphileWorker } from './systems/graphile-worker.ts';
import { runPgBoss } from './systems/pg-boss.ts';
import { drainWithWorker, drainWorkhorse, prepareWorkhorse } from './systems/workhorse.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKER_COUNTS = [1, 4];

const WORKHORSE = 'workhorse';
const BARE = 'bare SKIP LOCKED';
const CLAIM_LOOP = 'workhorse claim loop';
const GRAPHILE = 'graphile-worker';
const GRAPHILE_BATCHED = 'graphile-worker, local queue + batched completes';
const PG_BOSS = 'pg-boss';

async function freshPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = uniqueName('wh_bench');
  const url = await createDatabase(name);
  try {
    return await fn(url);
  } finally {
    await dropDatabase(name);
  }
}

type Drain = (database: Database, workers: number, claimMs: number[]) => Promise<void>;

async function measureDrain(
  system: string,
  kind: 'postgres' | 'pglite',
  workers: number,
  prepare: (database: Database, jobs: number) => Promise<void>,
  drain: Drain,
): Promise<Measurement> {
  const run = async (url: string | undefined) => {
    const database = await openDatabase({ url, poolSize: workers + 1 });
    try {
      await migrateDatabase(database);
      await prepare(database, JOBS);
      const claimMs: number[] = [];
      const start = performance.now();
      await drain(database, workers, claimMs);
      return {
        system,
        database: kind,
        workers,
        jobs: JOBS,
        seconds: (performance.now() - start) / 1000,
        claimMs,
      };
    } finally {
      await database.close();
    }
  };
  return kind === 'postgres' ? freshPostgres(run) : run(undefined);
}

async function measureOwnRunner(
  system: string,
  workers: number,
  drain: (url: string, claimMs: number[]) => Promise<number>,
): Promise<Measurement> {
  const claimMs: number[] = [];
  const seconds = await freshPostgres((url) => drain(url, claimMs));
  return { system, database: 'postgres', workers, jobs: JOBS, seconds, claimMs };
}

/** One round: every system once, with `workers` workers. */
async function round(workers: number): Promise<Measurement[]> {
  const withWorker: Drain = (database, n) => drainWithWorker(database, n);
  return [
    await measureDrain(BARE, 'postgres', workers, prepareBare, drainBare),
    await measureDrain(WORKHORSE, 'postgres', workers, prepareWorkhorse, withWorker),
    await measureDrain(CLAIM_LOOP, 'postgres', workers, prepareWorkhorse, drainWorkhorse),
    await measureOwnRunner(GRAPHILE, workers, (url) => runGraphileWorker(url, JOBS, workers)),
    await measureOwnRunner(GRAPHILE_BATCHED, workers, (url) => runGraphileWorker(url, JOBS, workers, true)),
    await measureOwnRunner(PG_BOSS, workers, (url, claimMs) => runPgBoss(url, JOBS, workers, claimMs)),
    await measureDrain(BARE, 'pglite', workers, prepareBare, drainBare),
    await measureDrain(WORKHORSE, 'pglite', workers, prepareWorkhorse, withWorker),
    await measureDrain(CLAIM_LOOP, 'pglite', workers, prepareWorkhorse, drainWorkhorse),
  ];
}

interface Summary {
  system: string;
  database: string;
  workers: number;
  jobsPerSecond: number;
  rounds: number[];
  claimMs: number[];
}

function summarize(measurements: Measurement[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.database}|${m.workers}|${m.system}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((group) => {
    const rates = group.map(jobsPerSecond);
    return {
      system: group[0]!.system,
      database: group[0]!.database,
      workers: group[0]!.workers,
      jobsPerSecond: median(rates),
      rounds: rates,
      claimMs: group.flatMap((m) => m.claimMs).sort((a, b) => a - b),
    };
  });
}

function report(summaries: Summary[]): void {
  const find = (system: string, database: string, workers: number) =>
    summaries.find((s) => s.system === system && s.database === database && s.workers === workers)!;
  const rows = summaries.map((s) => {
    const ours = find(WORKHORSE, s.database, s.workers);
    const latency = s.claimMs.length
      ? `${percentile(s.claimMs, 50).toFixed(2)} / ${percentile(s.claimMs, 99).toFixed(2)}`
      : 'n/a';
    return [
      s.database,
      String(s.workers),
      s.system,
      s.jobsPerSecond.toFixed(0),
      s.rounds.map((rate) => rate.toFixed(0)).join(' '),
      latency,
      (ours.jobsPerSecond / s.jobsPerSecond).toFixed(2),
    ];
  });
  console.log(
    `\nQueue benchmark: ${JOBS} no-op jobs per system and round, ${ROUNDS} rounds, claim + complete ` +
      '(workhorse also writes every job its two event rows); jobs/s is the median round\n',
  );
  printTable(
    ['database', 'workers', 'system', 'jobs/s', 'each round', 'claim p50 / p99 ms', 'workhorse ÷ system'],
    rows,
  );
  const ratio = (system: string) =>
    `${(find(WORKHORSE, 'postgres', 4).jobsPerSecond / find(system, 'postgres', 4).jobsPerSecond).toFixed(2)}x`;
  const p99 = percentile(find(CLAIM_LOOP, 'postgres', 4).claimMs, 99);
  console.log('\nTargets (PostgreSQL, 4 workers):');
  console.log(`  >= 1.00x graphile-worker: ${ratio(GRAPHILE)}`);
  console.log(`  >= 1.50x pg-boss:         ${ratio(PG_BOSS)}`);
  console.log(`  >= 0.85x bare loop:       ${ratio(BARE)}`);
  console.log(`  claim p99 <= 10 ms:       ${p99.toFixed(2)} ms`);
  console.log(
    `\n(${GRAPHILE_BATCHED}: graphile-worker with its opt-in throughput settings, which lease jobs ahead of ` +
      'free workers; shown for reference, not a target: leasing ahead is wrong for agent jobs that run for minutes.)',
  );
}

async function main(): Promise<void> {
  const measurements: Measurement[] = [];
  for (const workers of WORKER_COUNTS) {
    for (let index = 0; index < ROUNDS; index += 1) measurements.push(...(await round(workers)));
  }
  report(summarize(measurements));
}

await main();
