/** Jobs as people see them: list, read, retry, cancel, and enqueue generic work. */

import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { jobs } from '../db/schema.ts';
import { canMoveJob, isRetryable, type JobState } from '../domain/job-states.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { voidApprovalsOfJobs } from './steps/escalate.ts';
import {
  JOB_COLUMNS_WITHOUT_LOG,
  type Job,
  type JobSummary,
  readyState,
  summarizeJob,
} from './steps/jobs.ts';
import { loadActiveRun, loadRun, loadTask } from './steps/load.ts';

export async function getJob(db: Queryable, jobId: number): Promise<Job> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw errors.notFound('job', jobId);
  return job;
}

export interface JobFilter {
  state?: JobState | undefined;
  runId?: number | undefined;
  taskId?: number | undefined;
  role?: string | undefined;
  backend?: string | undefined;
  kind?: string | undefined;
  limit: number;
  offset: number;
}

export async function listJobs(
  db: Queryable,
  filter: JobFilter,
): Promise<{ items: JobSummary[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(jobs.state, filter.state));
  if (filter.runId !== undefined) conditions.push(eq(jobs.runId, filter.runId));
  if (filter.taskId !== undefined) conditions.push(eq(jobs.taskId, filter.taskId));
  if (filter.role !== undefined) conditions.push(eq(jobs.role, filter.role));
  if (filter.backend !== undefined) conditions.push(eq(jobs.backend, filter.backend));
  if (filter.kind !== undefined) conditions.push(eq(jobs.kind, filter.kind as Job['kind']));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(jobs).where(where);
  const rows = await db
    .select(JOB_COLUMNS_WITHOUT_LOG)
    .from(jobs)
    .where(where)
    .orderBy(desc(jobs.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items: rows.map(summarizeJob), total: count?.total ?? 0 };
}

/**
 * Runs a failed, cancelled or dead job again with a fresh attempt budget. A stage job is retried only while
 * its task is still at that stage: otherwise its result could move the task from somewhere else.
 */
export function retryJob(ctx: ServiceContext, jobId: number): Promise<Job> {
  return inTransaction(ctx, async (tx) => {
    const job = await getJob(tx, jobId);
    if (!isRetryable(job.state)) throw errors.illegalJobMove(jobId, job.state, 'queued');
    const run = await loadActiveRun(tx, job.runId);
    const task = job.taskId !== null ? await loadTask(tx, job.taskId) : null;
    if (task && job.stage !== null && task.pipelineStage !== job.stage)
      throw errors.jobNotRetryable(
        jobId,
        job.state,
        `it ran stage ${job.stage} and task ${task.id} is now at ${task.pipelineStage}`,
      );
    const [retried] = (await tx
      .update(jobs)
      .set({
        ...readyState(run, task),
        attempt: sql`${jobs.attempt} + 1`,
        maxAttempts: sql`${jobs.attempt} + ${jobs.maxAttempts}`,
        runAt: sql`now()`,
        finishedAt: null,
        updatedAt: sql`now()`,
      })
      .where(eq(jobs.id, jobId))
      .returning()) as [Job];
    await appendEvent(tx, ctx.actor, {
      type: 'job.retried',
      projectId: run.projectId,
      runId: run.id,
      taskId: job.taskId,
      jobId,
      payload: { from: job.state, attempt: retried.attempt },
    });
    return retried;
  });
}

/** Cancels a held, queued or running job; a running job's worker sees it and stops its agent. */
export function cancelJob(ctx: ServiceContext, jobId: number): Promise<Job> {
  return inTransaction(ctx, async (tx) => {
    const job = await getJob(tx, jobId);
    if (!canMoveJob(job.state, 'cancelled')) throw errors.illegalJobMove(jobId, job.state, 'cancelled');
    const [cancelled] = (await tx
      .update(jobs)
      .set({
        state: 'cancelled',
        lastError: `cancelled by ${ctx.actor ?? 'system'}`,
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(jobs.id, jobId), eq(jobs.state, job.state)))
      .returning()) as [Job | undefined];
    if (!cancelled) throw errors.illegalJobMove(jobId, (await getJob(tx, jobId)).state, 'cancelled');
    const voided = await voidApprovalsOfJobs(
      tx,
      [jobId],
      `its job was cancelled by ${ctx.actor ?? 'system'}`,
    );
    const run = await loadRun(tx, job.runId);
    await appendEvent(tx, ctx.actor, {
      type: 'job.cancelled',
      projectId: run.projectId,
      runId: job.runId,
      taskId: job.taskId,
      jobId,
      payload: { from: job.state, voided_approvals: voided },
    });
    return cancelled;
  });
}

export interface NewGenericJob {
  kind: string;
  runId: number;
  payload?: Record<string, unknown>;
  priority?: number;
  maxAttempts?: number;
  state?: 'queued' | 'held';
}

/** Queues work that is not a task stage (health checks, benchmarks, extensions' handlers). */
export function enqueueJob(ctx: ServiceContext, input: NewGenericJob): Promise<Job> {
  return inTransaction(ctx, async (tx) => {
    const run = await loadActiveRun(tx, input.runId);
    const [job] = (await tx
      .insert(jobs)
      .values({
        kind: input.kind as Job['kind'],
        role: 'system',
        runId: run.id,
        payload: input.payload ?? {},
        priority: input.priority ?? 5,
        maxAttempts: input.maxAttempts ?? 3,
        ...(input.state === 'held' ? { state: 'held' as const } : readyState(run)),
      })
      .returning()) as [Job];
    await appendEvent(tx, ctx.actor, {
      type: 'job.enqueued',
      projectId: run.projectId,
      runId: run.id,
      jobId: job.id,
      payload: { kind: job.kind, state: job.state },
    });
    return job;
  });
}
