/**
 * `npm run bench:wake-up`: how soon a queued job starts on an idle worker, from the enqueue call to its
 * handler being called, with the slow poll set to a minute so only NOTIFY can wake the worker. Baseline, in
 * the same process: a bare NOTIFY to LISTEN round trip on the same database. Target: p99 under 100 ms.
 */
import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { enqueueJob } from '../src/services/jobs.ts';
import { createProject } from '../src/services/projects.ts';
import { createRun } from '../src/services/runs.ts';
import { Worker } from '../src/worker/worker.ts';
import { withFreshDatabase } from './databases.ts';
import { percentile, printTable } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

async function notifyRoundTrips(database: Database): Promise<number[]> {
  const samples: number[] = [];
  let received: () => void = () => {};
  const unlisten = await database.listen('wh_bench', () => received());
  for (let i = 0; i < SAMPLES; i++) {
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const start = performance.now();
    await database.db.execute(sql`select pg_notify('wh_bench', ${String(i)})`);
    await arrived;
    samples.push(performance.now() - start);
  }
  await unlisten();
  return samples;
}

async function wakeUps(database: Database): Promise<number[]> {
  const ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
  const project = await createProject(ctx, { name: `wake-${Date.now()}`, repository: '/tmp' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'wake-up', skipPlanning: true });
  let started: () => void = () => {};
  const worker = new Worker({
    database,
    concurrency: 1,
    pollMs: 60_000,
    sweepMs: 60_000,
    handlers: {
      'bench.wake': async () => {
        started();
        return { report: null };
      },
    },
  });
  await worker.start();
  const samples: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const start = performance.now();
      await enqueueJob(ctx, { kind: 'bench.wake', runId: run.id });
      await running;
      samples.push(performance.now() - start);
      // Let the worker write the result and go idle, so every sample starts from an idle worker.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await worker.stop();
  }
  return samples;
}

async function measure(kind: 'postgres' | 'pglite', url?: string): Promise<string[][]> {
  const database = await openDatabase({ url, poolSize: 4 });
  try {
    await migrateDatabase(database);
    const baseline = (await notifyRoundTrips(database)).sort((a, b) => a - b);
    const wake = (await wakeUps(database)).sort((a, b) => a - b);
    const row = (what: string, samples: number[]) => [
      kind,
      what,
      percentile(samples, 50).toFixed(2),
      percentile(samples, 99).toFixed(2),
      (percentile(samples, 99) / percentile(baseline, 99)).toFixed(2),
    ];
    return [row('NOTIFY round trip (baseline)', baseline), row('enqueue -> handler start', wake)];
  } finally {
    await database.close();
  }
}

const rows = [
  ...(await withFreshDatabase('wh_bench_wake', (url) => measure('postgres', url))),
  ...(await measure('pglite')),
];
console.log(`\nWake-up: ${SAMPLES} jobs queued one at a time on an idle worker (poll every 60 s)\n`);
printTable(['database', 'what', 'p50 ms', 'p99 ms', 'p99 ÷ baseline p99'], rows);
const p99 = (database: string) => rows.find((r) => r[0] === database && r[1]!.startsWith('enqueue'))![3];
console.log(`\nTarget: p99 <= 100 ms. PostgreSQL ${p99('postgres')} ms, PGlite ${p99('pglite')} ms`);
