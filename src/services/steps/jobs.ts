/**
 * Job steps used inside a service's transaction. They write no event themselves: the calling service's
 * one event describes the whole change, including the jobs it opened or cancelled.
 */
import { and, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { jobs, runs, tasks } from '../../db/schema.ts';
import { type JobKind, type JobState, OPEN_JOB_STATES } from '../../domain/job-states.ts';
import { type JobVerdict, verdictOfReport } from '../../domain/job-verdict.ts';
import type { WorkStage } from '../../domain/stages.ts';
import type { ServiceContext } from '../context.ts';
import { voidApprovalsOfJobs } from './escalate.ts';

export type Job = typeof jobs.$inferSelect;
/** A job without its log and report, with the verdict its report records: what lists and task views carry. */
export type JobSummary = Omit<Job, 'log' | 'report'> & { verdict: JobVerdict | null };

/** A job row without its log, which may be large: what lists read. */
const { log: _omitted, ...columnsWithoutLog } = getTableColumns(jobs);
export const JOB_COLUMNS_WITHOUT_LOG = columnsWithoutLog;

/** Takes a row read with or without its log (lists leave the log out: it may be large). */
export function summarizeJob({
  log: _log,
  report,
  ...summary
}: Omit<Job, 'log'> & { log?: string }): JobSummary {
  return { ...summary, verdict: verdictOfReport(report) };
}

/** A job with its log and report, and the verdict its report records. */
export function detailJob(job: Job): Job & { verdict: JobVerdict | null } {
  return { ...job, verdict: verdictOfReport(job.report) };
}
type Run = typeof runs.$inferSelect;

/**
 * A new job is queued when agents trigger automatically or the run still has auto-advance budget left
 * from trigger-pipeline (which this spends); otherwise it is held for a person to trigger.
 */
async function initialState(tx: Tx, ctx: ServiceContext, run: Run): Promise<JobState> {
  if (ctx.settings.autoTriggerAgents) return 'queued';
  const [spent] = await tx
    .update(runs)
    .set({ autoAdvanceRemaining: sql`${runs.autoAdvanceRemaining} - 1` })
    .where(and(eq(runs.id, run.id), sql`${runs.autoAdvanceRemaining} > 0`))
    .returning({ id: runs.id });
  return spent ? 'queued' : 'held';
}

/**
 * Work that is ready to run is `queued`, unless its run or its task is paused: then it is held, marked so
 * that resuming them queues it. Workers therefore only ever look at `queued`.
 */
export function readyState(
  run: Pick<Run, 'paused'>,
  task?: { paused: boolean } | null,
): { state: JobState; heldByPause: boolean } {
  return run.paused || task?.paused
    ? { state: 'held', heldByPause: true }
    : { state: 'queued', heldByPause: false };
}

/** Whether the task of a job is paused (false for a run's own jobs). */
async function taskPaused(tx: Tx, taskId: number | null | undefined): Promise<{ paused: boolean } | null> {
  if (!taskId) return null;
  const [task] = await tx.select({ paused: tasks.paused }).from(tasks).where(eq(tasks.id, taskId));
  return task ?? null;
}

export interface NewJob {
  kind: JobKind;
  role: string;
  taskId?: number | null;
  stage?: WorkStage | null;
  priority?: number;
  /** A person already released this work (an approved deploy): it is ready now, whatever the trigger mode. */
  released?: boolean;
}

export async function openJob(tx: Tx, ctx: ServiceContext, run: Run, job: NewJob): Promise<Job> {
  const initial = job.released ? 'queued' : await initialState(tx, ctx, run);
  const [row] = await tx
    .insert(jobs)
    .values({
      kind: job.kind,
      role: job.role,
      runId: run.id,
      taskId: job.taskId ?? null,
      stage: job.stage ?? null,
      priority: job.priority ?? 5,
      ...(initial === 'queued'
        ? readyState(run, await taskPaused(tx, job.taskId))
        : { state: 'held' as const }),
    })
    .returning();
  return row!;
}

/**
 * Cancels the open jobs `where` selects and returns their ids; approvals still waiting on one of them are
 * void in the same transaction (nobody may approve a job that no longer exists).
 */
async function cancelOpenJobs(tx: Tx, where: SQL, reason: string): Promise<number[]> {
  const rows = await tx
    .update(jobs)
    .set({ state: 'cancelled', lastError: reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(where, inArray(jobs.state, [...OPEN_JOB_STATES])))
    .returning({ id: jobs.id });
  const ids = rows.map((row) => row.id).sort((a, b) => a - b);
  await voidApprovalsOfJobs(tx, ids, `its job was cancelled: ${reason}`);
  return ids;
}

/** Cancels every open job of a task (its old stage's work) and returns their ids. */
export function cancelTaskJobs(tx: Tx, taskId: number, reason: string): Promise<number[]> {
  return cancelOpenJobs(tx, eq(jobs.taskId, taskId), reason);
}

export function cancelRunJobs(tx: Tx, runId: number, reason: string): Promise<number[]> {
  return cancelOpenJobs(tx, eq(jobs.runId, runId), reason);
}
