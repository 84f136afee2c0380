/**
 * `npm run bench:queue`: claim + complete throughput and claim latency of Workhorse's queue with 1 and 4
 * workers, on PostgreSQL and PGlite, against the same no-op workload on graphile-worker, pg-boss
 * (single-job fetch) and a bare SKIP LOCKED loop, all in this one process. Prints a table with ratios.
 */
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createDatabase, dropDatabase, uniqueName } from '../test/support/postgres.ts';
import { jobsPerSecond, type Measurement, percentile, printTable } from './stats.ts';
import { drainBare, prepareBare } from './systems/bare.ts';
import { runGraphileWorker } from './systems/graphile-worker.ts';
import { runPgBoss } from './systems/pg-boss.ts';
import { drainWithWorker, drainWorkhorse, prepareWorkhorse } from './systems/workhorse.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 3000);
const WORKER_COUNTS = [1, 4];

async function freshPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = uniqueName('wh_bench');
  const url = await createDatabase(name);
  try {
    return await fn(url);
  } finally {
    await dropDatabase(name);
  }
}

async function measureDrain(
  system: string,
  kind: 'postgres' | 'pglite',
  workers: number,
  prepare: (database: Database, jobs: number) => Promise<void>,
  drain: (database: Database, workers: number, claimMs: number[]) => Promise<void>,
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

async function main(): Promise<void> {
  const results: Measurement[] = [];
  for (const workers of WORKER_COUNTS) {
    results.push(await measureDrain('bare SKIP LOCKED', 'postgres', workers, prepareBare, drainBare));
    results.push(
      await measureDrain('workhorse', 'postgres', workers, prepareWorkhorse, (db, n) =>
        drainWithWorker(db, n),
      ),
    );
    results.push(
      await measureDrain('workhorse claim loop', 'postgres', workers, prepareWorkhorse, drainWorkhorse),
    );
    results.push(
      await freshPostgres(async (url) => ({
        system: 'graphile-worker',
        database: 'postgres' as const,
        workers,
        jobs: JOBS,
        seconds: await runGraphileWorker(url, JOBS, workers),
        claimMs: [],
      })),
    );
    const bossClaims: number[] = [];
    results.push(
      await freshPostgres(async (url) => ({
        system: 'pg-boss',
        database: 'postgres' as const,
        workers,
        jobs: JOBS,
        seconds: await runPgBoss(url, JOBS, workers, bossClaims),
        claimMs: bossClaims,
      })),
    );
    results.push(await measureDrain('bare SKIP LOCKED', 'pglite', workers, prepareBare, drainBare));
    results.push(
      await measureDrain('workhorse', 'pglite', workers, prepareWorkhorse, (db, n) => drainWithWorker(db, n)),
    );
    results.push(
      await measureDrain('workhorse claim loop', 'pglite', workers, prepareWorkhorse, drainWorkhorse),
    );
  }
  report(results);
}

function report(results: Measurement[]): void {
  const find = (system: string, database: string, workers: number) =>
    results.find((m) => m.system === system && m.database === database && m.workers === workers);
  const rows = results.map((m) => {
    const ours = find('workhorse', m.database, m.workers)!;
    const sorted = [...m.claimMs].sort((a, b) => a - b);
    const latency = sorted.length
      ? `${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)}`
      : 'n/a';
    const ratio = m.system === 'workhorse' ? '1.00' : (jobsPerSecond(ours) / jobsPerSecond(m)).toFixed(2);
    return [m.database, String(m.workers), m.system, jobsPerSecond(m).toFixed(0), latency, ratio];
  });
  console.log(
    `\nQueue benchmark: ${JOBS} no-op jobs each, claim + complete (workhorse also writes its event rows)\n`,
  );
  printTable(['database', 'workers', 'system', 'jobs/s', 'claim p50 / p99 ms', 'workhorse ÷ system'], rows);
  const ours4 = find('workhorse', 'postgres', 4)!;
  const bare4 = find('bare SKIP LOCKED', 'postgres', 4)!;
  const graphile4 = find('graphile-worker', 'postgres', 4)!;
  const boss4 = find('pg-boss', 'postgres', 4)!;
  const loop4 = find('workhorse claim loop', 'postgres', 4)!;
  const p99 = percentile(
    [...loop4.claimMs].sort((a, b) => a - b),
    99,
  );
  console.log('\nTargets (PostgreSQL, 4 workers):');
  console.log(`  >= 1.00x graphile-worker: ${(jobsPerSecond(ours4) / jobsPerSecond(graphile4)).toFixed(2)}x`);
  console.log(`  >= 1.50x pg-boss:         ${(jobsPerSecond(ours4) / jobsPerSecond(boss4)).toFixed(2)}x`);
  console.log(`  >= 0.85x bare loop:       ${(jobsPerSecond(ours4) / jobsPerSecond(bare4)).toFixed(2)}x`);
  console.log(`  claim p99 <= 10 ms:       ${p99.toFixed(2)} ms`);
}

await main();
