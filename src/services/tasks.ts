/** Tasks: create, edit, read. Stage moves live in task-stages.ts. */

import { and, asc, desc, eq, inArray, isNull, notInArray, type SQL, sql } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import { anyId } from '../db/any-id.ts';
import type { Queryable } from '../db/client.ts';
import { approvals, jobs, runs, taskDependencies, tasks } from '../db/schema.ts';
import { OPEN_JOB_STATES } from '../domain/job-states.ts';
import { type JobVerdict, verdictOfReport } from '../domain/job-verdict.ts';
import { acceptsTaskWork } from '../domain/run-phases.ts';
import type { Stage } from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { incompleteDependencies, replaceDependencies } from './steps/dependencies.ts';
import { insertTask, type NewTask } from './steps/insert-task.ts';
import { JOB_COLUMNS_WITHOUT_LOG, type Job, type JobSummary, summarizeJob } from './steps/jobs.ts';
import { loadActiveRun, loadRun, loadTask, type Task } from './steps/load.ts';
import { enterPhase } from './steps/phases.ts';
import { enterStage } from './steps/stages.ts';

export interface TaskView extends Task {
  dependsOn: number[];
  blockedBy: number[];
  currentJob: JobSummary | null;
  /** Its newest job that ended (succeeded, failed, cancelled, dead): how its last attempt went. */
  lastFinishedJob: JobSummary | null;
  /** The pending escalation approval that holds it, if one does. */
  escalationId: number | null;
}

export type { NewTask } from './steps/insert-task.ts';

/** A new task enters dev at once unless it waits for dependencies, in which case it has no job yet. */
export function createTask(ctx: ServiceContext, input: NewTask): Promise<{ task: Task; job: Job | null }> {
  return inTransaction(ctx, async (tx) => {
    const active = await loadActiveRun(tx, input.runId);
    // A run waiting to be committed (its deploy rejected, say) takes more work: it is building again.
    const run =
      active.phase === 'ready_for_commit' ? await enterPhase(tx, ctx.actor, active, 'building') : active;
    if (!acceptsTaskWork(run.phase)) throw errors.runNotActive(run.id, run.phase);
    const { task, job, blockedBy } = await insertTask(tx, ctx, run, input);
    await appendEvent(tx, ctx.actor, {
      type: 'task.created',
      projectId: run.projectId,
      runId: run.id,
      taskId: task.id,
      jobId: job?.id ?? null,
      payload: {
        title: task.title,
        stage: task.pipelineStage,
        blocked_by: blockedBy,
        job_id: job?.id ?? null,
      },
    });
    return { task, job };
  });
}

export interface TaskEdit {
  title?: string | undefined;
  description?: string | undefined;
  priority?: number | undefined;
  acceptance?: string[] | undefined;
  files?: string[] | undefined;
  dependsOn?: number[] | undefined;
  version?: number | undefined;
}

/**
 * Edits a task. New unfinished dependencies send a task that has not completed back to waiting (its open
 * jobs cancelled); removing the last one lets a waiting task enter dev.
 */
export function updateTask(ctx: ServiceContext, taskId: number, edit: TaskEdit): Promise<Task> {
  return inTransaction(ctx, async (tx) => {
    const current = await loadTask(tx, taskId);
    const run = await loadActiveRun(tx, current.runId);
    const version = edit.version ?? current.version;
    const [updated] = await tx
      .update(tasks)
      .set({
        title: edit.title ?? current.title,
        description: edit.description ?? current.description,
        priority: edit.priority ?? current.priority,
        acceptance: edit.acceptance ?? current.acceptance,
        files: edit.files ?? current.files,
        version: sql`${tasks.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(tasks.id, taskId), eq(tasks.version, version)))
      .returning();
    if (!updated) throw errors.versionConflict(taskId, version, (await loadTask(tx, taskId)).version);
    let task = updated;
    let stageChange: { from: Stage; to: Stage } | null = null;
    if (edit.dependsOn) {
      await replaceDependencies(tx, task, edit.dependsOn);
      const blocked = (await incompleteDependencies(tx, task.id)).length > 0;
      const to: Stage | null =
        blocked && task.pipelineStage !== 'none' && task.pipelineStage !== 'complete'
          ? 'none'
          : !blocked && task.pipelineStage === 'none'
            ? 'dev'
            : null;
      if (to) {
        [task] = (await tx
          .update(tasks)
          .set({ pipelineStage: to })
          .where(eq(tasks.id, taskId))
          .returning()) as [Task];
        await enterStage(tx, ctx, run, { ...task, pipelineStage: current.pipelineStage }, to);
        stageChange = { from: current.pipelineStage, to };
      }
    }
    await appendEvent(tx, ctx.actor, {
      type: 'task.updated',
      projectId: run.projectId,
      runId: run.id,
      taskId,
      payload: { changes: Object.keys(edit).filter((key) => key !== 'version'), stage_change: stageChange },
    });
    return task;
  });
}

export async function getTask(db: Queryable, taskId: number): Promise<TaskView> {
  const [view] = await withDetails(db, [await loadTask(db, taskId)]);
  return view!;
}

export interface TaskFilter {
  runId?: number | undefined;
  stage?: Stage | undefined;
  limit: number;
  offset: number;
}

export async function listTasks(
  db: Queryable,
  filter: TaskFilter,
): Promise<{ items: TaskView[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.runId !== undefined) conditions.push(eq(tasks.runId, filter.runId));
  if (filter.stage !== undefined) conditions.push(eq(tasks.pipelineStage, filter.stage));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(tasks).where(where);
  const rows = await db
    .select()
    .from(tasks)
    .where(where)
    .orderBy(asc(tasks.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items: await withDetails(db, rows), total: count?.total ?? 0 };
}

/** The task columns the run board reads: its cards, its search and the run's situation line. */
const BOARD_TASK_COLUMNS = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  priority: tasks.priority,
  pipelineStage: tasks.pipelineStage,
  loopBacks: tasks.loopBacks,
  reviewState: tasks.reviewState,
  paused: tasks.paused,
};

/** The job columns a card's outcome reads; the report is read for its verdict, not answered. */
const BOARD_JOB_COLUMNS = {
  id: jobs.id,
  taskId: jobs.taskId,
  kind: jobs.kind,
  stage: jobs.stage,
  role: jobs.role,
  state: jobs.state,
  heldByPause: jobs.heldByPause,
  attempt: jobs.attempt,
  backend: jobs.backend,
  lastError: jobs.lastError,
  report: jobs.report,
};
type BoardJobRow = JobRow<typeof BOARD_JOB_COLUMNS>;

export type BoardJob = Omit<BoardJobRow, 'taskId' | 'report'> & { verdict: JobVerdict | null };
export type BoardTask = SelectResultFields<typeof BOARD_TASK_COLUMNS> & Details<BoardJob>;

function summarizeBoardJob({ taskId: _task, report, ...job }: BoardJobRow): BoardJob {
  return { ...job, verdict: verdictOfReport(report) };
}

/**
 * Every task of a run, by id, with only what the board shows: a page of full task views carried every
 * column and two whole job summaries per task, most of which no card reads.
 */
export async function listBoardTasks(db: Queryable, runId: number): Promise<BoardTask[]> {
  await loadRun(db, runId);
  const rows = await db
    .select(BOARD_TASK_COLUMNS)
    .from(tasks)
    .where(eq(tasks.runId, runId))
    .orderBy(asc(tasks.id));
  const views = await addDetails(db, rows, BOARD_JOB_COLUMNS, summarizeBoardJob);
  return views.map(({ dependsOn: _shownInThePanel, ...task }) => task);
}

/** The seed's work queue: a stage's tasks in live runs, highest priority first. */
export async function taskQueue(
  db: Queryable,
  filter: { runId?: number | undefined; stage: Stage },
): Promise<TaskView[]> {
  const conditions: SQL[] = [eq(tasks.pipelineStage, filter.stage), isNull(runs.killedAt)];
  if (filter.runId !== undefined) conditions.push(eq(tasks.runId, filter.runId));
  const rows = await db
    .select({ task: tasks })
    .from(tasks)
    .innerJoin(runs, eq(runs.id, tasks.runId))
    .where(and(...conditions))
    .orderBy(desc(tasks.priority), asc(tasks.id));
  return withDetails(
    db,
    rows.map((row) => row.task),
  );
}

/**
 * The job columns a task's open and last finished job are read with: always the task each belongs to, and
 * the report when the summary carries its verdict.
 */
type JobColumns = SelectedFields & { taskId: typeof jobs.taskId };
type JobRow<C extends JobColumns> = SelectResultFields<C>;

/** What a task's view adds to its row, with its jobs summarized as the caller reads them. */
interface Details<S> {
  blockedBy: number[];
  currentJob: S | null;
  lastFinishedJob: S | null;
  escalationId: number | null;
}

/** Each task's newest ended job, one row per task (DISTINCT ON). */
async function lastFinishedJobs(db: Queryable, taskIds: number[], columns: JobColumns) {
  const rows = await db
    .selectDistinctOn([jobs.taskId], columns)
    .from(jobs)
    .where(and(anyId(jobs.taskId, taskIds), notInArray(jobs.state, [...OPEN_JOB_STATES])))
    .orderBy(jobs.taskId, desc(jobs.id));
  return new Map(rows.map((row) => [row.taskId!, row]));
}

function withDetails(db: Queryable, rows: Task[]): Promise<TaskView[]> {
  return addDetails(db, rows, JOB_COLUMNS_WITHOUT_LOG, summarizeJob);
}

/**
 * Rows with their dependencies (and the unfinished ones among them), open job, last finished job and
 * pending escalation. `columns` are the job columns read, `summarize` what a job becomes in the answer:
 * a task view reads every column but the log, the board only what a card shows.
 */
async function addDetails<T extends { id: number }, C extends JobColumns, S>(
  db: Queryable,
  rows: T[],
  columns: C,
  summarize: (job: JobRow<C>) => S,
): Promise<(T & Details<S> & { dependsOn: number[] })[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((task) => task.id);
  const deps = await db
    .select({
      taskId: taskDependencies.taskId,
      on: taskDependencies.dependsOnTaskId,
      stage: tasks.pipelineStage,
    })
    .from(taskDependencies)
    .innerJoin(tasks, eq(tasks.id, taskDependencies.dependsOnTaskId))
    .where(anyId(taskDependencies.taskId, ids))
    .orderBy(asc(taskDependencies.dependsOnTaskId));
  // Drizzle cannot type a select over generic columns: it reads them as any columns, which they are not.
  const selection: JobColumns = columns;
  const openJobs = (await db
    .select(selection)
    .from(jobs)
    .where(and(anyId(jobs.taskId, ids), inArray(jobs.state, [...OPEN_JOB_STATES])))
    .orderBy(desc(jobs.id))) as JobRow<C>[];
  const finished = (await lastFinishedJobs(db, ids, selection)) as Map<number, JobRow<C>>;
  const escalations = await db
    .select({ id: approvals.id, taskId: approvals.taskId })
    .from(approvals)
    .where(
      and(anyId(approvals.taskId, ids), eq(approvals.state, 'pending'), eq(approvals.kind, 'escalation')),
    );
  // By task, once: a page of 500 tasks looked each up in every list before.
  const depsOf = new Map<number, typeof deps>();
  for (const dep of deps) depsOf.set(dep.taskId, [...(depsOf.get(dep.taskId) ?? []), dep]);
  const currentOf = new Map<number, JobRow<C>>();
  // Newest first: the first open job seen for a task is its current one.
  for (const job of openJobs) if (!currentOf.has(job.taskId!)) currentOf.set(job.taskId!, job);
  const escalationOf = new Map(escalations.map((approval) => [approval.taskId, approval.id]));
  return rows.map((task) => {
    const mine = depsOf.get(task.id) ?? [];
    const current = currentOf.get(task.id);
    const last = finished.get(task.id);
    return {
      ...task,
      dependsOn: mine.map((dep) => dep.on),
      blockedBy: mine.filter((dep) => dep.stage !== 'complete').map((dep) => dep.on),
      currentJob: current ? summarize(current) : null,
      lastFinishedJob: last ? summarize(last) : null,
      escalationId: escalationOf.get(task.id) ?? null,
    };
  });
}
