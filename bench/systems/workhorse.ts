/** Workhorse's own claim + complete, each one statement that also writes the job's event row. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { completeJob } from '../../src/services/queue/finish-job.ts';
import { createRun } from '../../src/services/runs.ts';
import { BUILTIN_HANDLERS } from '../../src/worker/handlers/index.ts';
import { Worker } from '../../src/worker/worker.ts';
import { timed } from '../stats.ts';

export async function prepareWorkhorse(database: Database, jobs: number): Promise<void> {
  const ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'bench' };
  const project = await createProject(ctx, { name: `bench-${Date.now()}`, repository: '/tmp' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'benchmark', skipPlanning: true });
  await database.db.execute(sql`
    insert into jobs (kind, role, run_id, state)
    select 'noop', 'system', ${run.id}, 'queued' from generate_series(1, ${jobs})`);
  await database.db.execute(sql`analyze`);
}

export async function drainWorkhorse(database: Database, workers: number, claimMs: number[]): Promise<void> {
  const loop = async (index: number) => {
    const workerId = `bench-${index}`;
    for (;;) {
      const job = await timed(claimMs, () =>
        claimJob(database.db, { workerId, kinds: ['noop'], leaseSeconds: 30 }),
      );
      if (!job) return;
      await completeJob(database.db, { jobId: job.id, leaseToken: job.leaseToken! }, workerId, {
        report: null,
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => loop(index)));
}

/**
 * The real thing: a `Worker` with `workers` slots and the no-op handler, as `wh worker --concurrency N` runs
 * it (claims pipelined with completions). Done when nothing is queued or running.
 */
export async function drainWithWorker(database: Database, workers: number): Promise<void> {
  const worker = new Worker({
    database,
    handlers: BUILTIN_HANDLERS,
    concurrency: workers,
    pollMs: 60_000,
    sweepMs: 60_000,
  });
  await worker.start();
  for (;;) {
    const left = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from jobs where state in ('queued', 'running')`,
    );
    if (left.rows[0]!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await worker.stop();
}
