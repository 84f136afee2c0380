/**
 * `npm run bench:queue`: claim + complete throughput and claim latency of Workhorse's queue with 1 and 4
 * workers, on PostgreSQL and PGlite, against pg-boss 12 and graphile-worker 0.18 (each in two settings)
 * and against two limits of the approach itself, all in this one process on one Node.js (see peers.ts).
 * Two workloads: no-op jobs, which all finish at once, and jobs that each take a random 0–50 ms, so that
 * completions do not line up (agent jobs finish minutes apart). Every system runs once per round, rounds
 * interleaved, and each row gives the median round: a shared machine's noise then falls on all systems
 * alike. On PostgreSQL each row also says how many statements and commits a job cost while draining.
 */
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { withFreshDatabase } from './databases.ts';
import { importPeer, ranOnPeerRuntime } from './peers.ts';
import { countStatements, type PgModule, StatementCounter } from './statement-counter.ts';
import { type JobTime, median, NO_OP, percentile, printTable, SPREAD, SPREAD_MS } from './stats.ts';
import { drainBare, drainBareFused, prepareBare } from './systems/bare.ts';
import { runGraphileWorker } from './systems/graphile-worker.ts';
import { PG_BOSS_BATCH, runPgBoss } from './systems/pg-boss.ts';
import {
  drainStageJobs,
  drainWithWorker,
  drainWorkhorse,
  prepareStageJobs,
  prepareWorkhorse,
  STAGES_PER_TASK,
} from './systems/workhorse.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 3000);
const SPREAD_JOBS = Number(process.env.BENCH_SPREAD_JOBS ?? 600);
const STAGE_JOBS = Number(process.env.BENCH_STAGE_JOBS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const WORKER = 'workhorse worker';
const CLAIM_LOOP = 'workhorse, one job at a time';
const PRODUCTION = 'workhorse, stage jobs (production path)';
const BARE = 'limit: bare loop, two commits per job';
const FUSED = 'limit: bare loop, fused + batched';
const GRAPHILE = 'graphile-worker 0.18';
const GRAPHILE_BATCHED = 'graphile-worker 0.18, completeJobBatchDelay 0';
const PG_BOSS = 'pg-boss 12, single fetch';
const PG_BOSS_BATCHED = `pg-boss 12, work() batchSize ${PG_BOSS_BATCH}`;

type Kind = 'postgres' | 'pglite';
type Workload = 'no-op' | 'spread';
interface Trial {
  workers: number;
  jobs: number;
  time: JobTime;
  claimMs: number[];
  /** Called once the jobs are queued, just before the clock starts. */
  beforeDrain: () => void;
}
interface System {
  name: string;
  kind: Kind;
  /** Jobs per round: stage jobs are four per task, so fewer. */
  jobs: (workload: Workload) => number;
  run: (trial: Trial) => Promise<number>;
}
type Drain = (
  database: Database,
  workers: number,
  claimMs: number[],
  time: JobTime,
  jobs: number,
) => Promise<void>;

function ownQueue(kind: Kind, prepare: (database: Database, jobs: number) => Promise<void>, drain: Drain) {
  return (trial: Trial) => {
    const run = async (url: string | undefined) => {
      const database = await openDatabase({ url, poolSize: trial.workers + 1 });
      try {
        await migrateDatabase(database);
        await prepare(database, trial.jobs);
        trial.beforeDrain();
        const start = performance.now();
        await drain(database, trial.workers, trial.claimMs, trial.time, trial.jobs);
        return (performance.now() - start) / 1000;
      } finally {
        await database.close();
      }
    };
    return kind === 'postgres' ? withFreshDatabase('wh_bench_queue', run) : run(undefined);
  };
}

const peer = (run: (url: string, trial: Trial) => Promise<number>) => (trial: Trial) =>
  withFreshDatabase('wh_bench_queue', (url) => run(url, trial));
const usual = (workload: Workload) => (workload === 'spread' ? SPREAD_JOBS : JOBS);
const stages = (workload: Workload) =>
  Math.floor(usual(workload) === JOBS ? STAGE_JOBS : SPREAD_JOBS / STAGES_PER_TASK) * STAGES_PER_TASK;
const worker: Drain = (database, workers, _claimMs, time, jobs) =>
  drainWithWorker(database, workers, jobs, time);
const stageWorker: Drain = (database, workers, _claimMs, time, jobs) =>
  drainStageJobs(database, workers, jobs, time);

function systems(kind: Kind): System[] {
  const own = (name: string, prepare: typeof prepareBare, drain: Drain, jobs = usual): System => ({
    name,
    kind,
    jobs,
    run: ownQueue(kind, prepare, drain),
  });
  const list = [
    own(BARE, prepareBare, drainBare),
    own(FUSED, prepareBare, drainBareFused),
    own(WORKER, prepareWorkhorse, worker),
    own(CLAIM_LOOP, prepareWorkhorse, drainWorkhorse),
    own(PRODUCTION, prepareStageJobs, stageWorker, stages),
  ];
  if (kind === 'pglite') return list;
  const peerSystem = (name: string, run: (url: string, trial: Trial) => Promise<number>): System => ({
    name,
    kind,
    jobs: usual,
    run: peer(run),
  });
  return [
    ...list,
    peerSystem(GRAPHILE, (url, t) => runGraphileWorker(url, t.jobs, t.workers, t.time, false, t.beforeDrain)),
    peerSystem(GRAPHILE_BATCHED, (url, t) =>
      runGraphileWorker(url, t.jobs, t.workers, t.time, true, t.beforeDrain),
    ),
    peerSystem(PG_BOSS, (url, t) =>
      runPgBoss(url, t.jobs, t.workers, t.claimMs, t.time, false, t.beforeDrain),
    ),
    peerSystem(PG_BOSS_BATCHED, (url, t) =>
      runPgBoss(url, t.jobs, t.workers, t.claimMs, t.time, true, t.beforeDrain),
    ),
  ];
}

interface Measurement {
  system: System;
  workload: Workload;
  workers: number;
  jobs: number;
  jobsPerSecond: number;
  claimMs: number[];
  statements: number;
  commits: number;
}

const counter = new StatementCounter();

async function measure(system: System, workload: Workload, workers: number): Promise<Measurement> {
  const jobs = system.jobs(workload);
  const claimMs: number[] = [];
  const time = workload === 'spread' ? SPREAD : NO_OP;
  const seconds = await system.run({ workers, jobs, time, claimMs, beforeDrain: () => counter.reset() });
  const { statements, commits } = counter;
  return { system, workload, workers, jobs, jobsPerSecond: jobs / seconds, claimMs, statements, commits };
}

/** The plan: no-op jobs with 1 and 4 workers everywhere; spread jobs with 4 workers on PostgreSQL. */
const PLAN: [Workload, number, Kind[]][] = [
  ['no-op', 1, ['postgres', 'pglite']],
  ['no-op', 4, ['postgres', 'pglite']],
  ['spread', 4, ['postgres']],
];

interface Row {
  name: string;
  kind: Kind;
  workload: Workload;
  workers: number;
  jobsPerSecond: number;
  rounds: number[];
  claimMs: number[];
  perJob: { statements: number; commits: number } | null;
}

function summarize(all: Measurement[]): Row[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of all) {
    const key = `${m.workload}|${m.workers}|${m.system.kind}|${m.system.name}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((group) => {
    const { system, workload, workers } = group[0]!;
    const perJob = (of: (m: Measurement) => number) => median(group.map((m) => of(m) / m.jobs));
    return {
      name: system.name,
      kind: system.kind,
      workload,
      workers,
      jobsPerSecond: median(group.map((m) => m.jobsPerSecond)),
      rounds: group.map((m) => m.jobsPerSecond),
      claimMs: group.flatMap((m) => m.claimMs).sort((a, b) => a - b),
      perJob:
        system.kind === 'postgres'
          ? { statements: perJob((m) => m.statements), commits: perJob((m) => m.commits) }
          : null,
    };
  });
}

function report(rows: Row[]): void {
  const find = (name: string, kind: Kind, workload: Workload, workers: number) =>
    rows.find((r) => r.name === name && r.kind === kind && r.workload === workload && r.workers === workers);
  console.log(
    `\nQueue benchmark: claim + complete, ${ROUNDS} rounds, median round. No-op: ${JOBS} jobs per system ` +
      `(${STAGE_JOBS} stage jobs); spread: ${SPREAD_JOBS} jobs of 0–${SPREAD_MS} ms each. Workhorse writes ` +
      "every job's event rows as well.\n",
  );
  printTable(
    [
      'jobs',
      'database',
      'workers',
      'system',
      'jobs/s',
      'each round',
      'claim p50/p99 ms',
      'stmts/job',
      'commits/job',
      'worker ÷ it',
    ],
    rows.map((row) => {
      const ours = find(WORKER, row.kind, row.workload, row.workers);
      const claim = row.claimMs.length
        ? `${percentile(row.claimMs, 50).toFixed(2)} / ${percentile(row.claimMs, 99).toFixed(2)}`
        : 'n/a';
      return [
        row.workload,
        row.kind,
        String(row.workers),
        row.name,
        row.jobsPerSecond.toFixed(0),
        row.rounds.map((rate) => rate.toFixed(0)).join(' '),
        claim,
        row.perJob ? row.perJob.statements.toFixed(2) : 'n/a',
        row.perJob ? row.perJob.commits.toFixed(2) : 'n/a',
        ours ? (ours.jobsPerSecond / row.jobsPerSecond).toFixed(2) : '',
      ];
    }),
  );
  const ratio = (a: string, b: string, workload: Workload, workers = 4) => {
    const [x, y] = [find(a, 'postgres', workload, workers), find(b, 'postgres', workload, workers)];
    return x && y ? `${(x.jobsPerSecond / y.jobsPerSecond).toFixed(2)}x` : 'n/a';
  };
  console.log('\nTargets (PostgreSQL, 4 workers; no-op, then spread):');
  for (const [target, other] of [
    ['>= 1.2x', GRAPHILE],
    ['>= 1.2x', GRAPHILE_BATCHED],
    ['>= 2x', PG_BOSS],
    ['>= 0.85x', FUSED],
  ] as const) {
    console.log(
      `  worker ${target} ${other}: ${ratio(WORKER, other, 'no-op')}, ${ratio(WORKER, other, 'spread')}`,
    );
  }
  console.log(`  one job at a time >= 0.85x ${BARE}: ${ratio(CLAIM_LOOP, BARE, 'no-op')}`);
  console.log(`  worker with 1 slot ÷ ${BARE} with 1 worker: ${ratio(WORKER, BARE, 'no-op', 1)}`);
  const claims = find(CLAIM_LOOP, 'postgres', 'no-op', 4)?.claimMs ?? [];
  console.log(`  claim p99 <= 10 ms: ${percentile(claims, 99).toFixed(2)} ms`);
  console.log(
    '\nWhat batching does: a worker slot that finishes a job plainly completes it in the same statement that ' +
      "claims the slot's next job, and slots that finish in the same turn share that statement. No-op jobs " +
      'all finish together, so their statements and commits per job fall well below one. Jobs that finish ' +
      'apart, as agent jobs do (minutes apart), rarely share one: compare the spread rows. Stage jobs apply ' +
      'their verdict in their own transaction, so they take the one-at-a-time path: claim, then complete.',
  );
}

async function main(): Promise<void> {
  const [ours, theirs] = [await import('pg'), await importPeer<{ default: PgModule }>('pg')];
  countStatements(counter, [ours.default, theirs.default]);
  const all: Measurement[] = [];
  for (const [workload, workers, kinds] of PLAN) {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of kinds) {
        for (const system of systems(kind)) all.push(await measure(system, workload, workers));
      }
    }
  }
  report(summarize(all));
}

if (!(await ranOnPeerRuntime(import.meta.filename))) await main();
