/**
 * Workhorse's queue, three ways:
 * - the worker (`wh worker --concurrency N`): a slot's plain success completes and claims its next job in
 *   one statement, with every job's event rows;
 * - the claim loop: the queue services one job at a time (claim, then complete: two commits per job), the
 *   path any result that is not a plain success takes;
 * - the production path: stage jobs whose result applies a verdict in its own transaction (the task moves
 *   on and its next stage's job is queued there), as agent jobs do, DEV -> QA -> SEC -> DOCS -> COMPLETE.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { Verdict } from '../../src/domain/verdict.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { completeJob } from '../../src/services/queue/finish-job.ts';
import { createRun } from '../../src/services/runs.ts';
import { applyStageVerdict } from '../../src/services/stage-results.ts';
import { createTask } from '../../src/services/tasks.ts';
import type { HandlerRegistry } from '../../src/worker/handler.ts';
import { Worker } from '../../src/worker/worker.ts';
import { doWork, type JobTime, timed } from '../stats.ts';

/** Stage jobs per task: DEV, QA, SEC and DOCS. */
export const STAGES_PER_TASK = 4;
const PASS: Verdict = { pass: true, reasons: [], findings: [] };

async function newRun(database: Database, autoTriggerAgents: boolean) {
  const ctx = { db: database.db, settings: { autoTriggerAgents }, actor: 'bench' };
  const project = await createProject(ctx, { name: `bench-${Date.now()}`, repository: '/tmp' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'benchmark', skipPlanning: true });
  return { ctx, run };
}

export async function prepareWorkhorse(database: Database, jobs: number): Promise<void> {
  const { run } = await newRun(database, false);
  await database.db.execute(sql`
    insert into jobs (kind, role, run_id, state)
    select 'noop', 'system', ${run.id}, 'queued' from generate_series(1, ${jobs})`);
  await database.db.execute(sql`analyze`);
}

/** Tasks whose DEV jobs are queued: `jobs` stage jobs in all once every stage has run. */
export async function prepareStageJobs(database: Database, jobs: number): Promise<void> {
  const { ctx, run } = await newRun(database, true);
  for (let index = 1; index <= jobs / STAGES_PER_TASK; index += 1) {
    await createTask(ctx, { runId: run.id, title: `Task ${index}` });
  }
  await database.db.execute(sql`analyze`);
}

export async function drainWorkhorse(
  database: Database,
  workers: number,
  claimMs: number[],
  time: JobTime,
): Promise<void> {
  const loop = async (index: number) => {
    const workerId = `bench-${index}`;
    for (;;) {
      const job = await timed(claimMs, () =>
        claimJob(database.db, { workerId, kinds: ['noop'], leaseSeconds: 30 }),
      );
      if (!job) return;
      await doWork(time);
      await completeJob(database.db, { jobId: job.id, leaseToken: job.leaseToken! }, workerId, {
        report: null,
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => loop(index)));
}

/** A `Worker` with `workers` slots until `jobs` handlers have run and their results are written. */
async function drainWith(
  database: Database,
  workers: number,
  jobs: number,
  handlers: (counted: () => void) => HandlerRegistry,
): Promise<void> {
  let done = 0;
  let finish: () => void = () => {};
  const allRan = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const counted = () => {
    done += 1;
    if (done === jobs) finish();
  };
  const worker = new Worker({ database, handlers: handlers(counted), concurrency: workers });
  await worker.start();
  await allRan;
  // Stopping waits for every result still being written.
  await worker.stop();
}

export function drainWithWorker(database: Database, workers: number, jobs: number, time: JobTime) {
  return drainWith(database, workers, jobs, (counted) => ({
    noop: async () => {
      await doWork(time);
      counted();
      return { report: { ok: true } };
    },
  }));
}

export function drainStageJobs(database: Database, workers: number, jobs: number, time: JobTime) {
  return drainWith(database, workers, jobs, (counted) => ({
    stage: async ({ workerId }) => {
      await doWork(time);
      counted();
      const ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: workerId };
      return { report: { verdict: PASS }, apply: (tx, job) => applyStageVerdict(tx, ctx, job, PASS) };
    },
  }));
}
