/** Runs: one goal for one project, from planning to deployed (or failed, or killed). */
import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { anyId } from '../db/any-id.ts';
import type { Queryable } from '../db/client.ts';
import { runs, tasks } from '../db/schema.ts';
import { runBranchName } from '../domain/git-names.ts';
import { resolvePipeline } from '../domain/pipeline.ts';
import type { RunPhase } from '../domain/run-phases.ts';
import { runStage, type Stage, stagesOf } from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { spentByRun } from './budget-reads.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { installationId } from './installation.ts';
import { type RunUsage, usageOf } from './run-usage.ts';
import { voidApprovalsOfRun } from './steps/escalate.ts';
import { cancelRunJobs, type Job, openJob } from './steps/jobs.ts';
import { loadActiveRun, loadProject, loadRun, type Run } from './steps/load.ts';
import { applyPause } from './steps/pause.ts';
import { enterPhase, recordFirstPhase } from './steps/phases.ts';

export interface TaskProgress {
  runId: number;
  total: number;
  complete: number;
  percent: number;
  blocked: number;
  stage: Stage;
  byStage: Record<Stage, number>;
}

export interface RunView extends Run {
  stage: Stage;
  progress: TaskProgress;
  /** What its agents used, and the wall time its jobs took as its budget counts it. */
  usage: RunUsage & { wallSeconds: number };
}

async function usageWithWallTime(db: Queryable, runIds: number[]): Promise<Map<number, RunView['usage']>> {
  const usage = await usageOf(db, runIds);
  const spent = await spentByRun(db, runIds);
  return new Map(runIds.map((id) => [id, { ...usage.get(id)!, wallSeconds: spent.get(id)!.wallSeconds }]));
}

export interface NewRun {
  projectId: number;
  goal: string;
  /** Start building at once with manually added tasks, without a PM planning job. */
  skipPlanning?: boolean | undefined;
}

export function createRun(ctx: ServiceContext, input: NewRun): Promise<{ run: Run; job: Job | null }> {
  return inTransaction(ctx, async (tx) => {
    const project = await loadProject(tx, input.projectId);
    const phase: RunPhase = input.skipPlanning ? 'building' : 'planning';
    const [inserted] = await tx
      .insert(runs)
      .values({ projectId: project.id, goal: input.goal, phase, pipeline: project.settings.pipeline ?? null })
      .returning();
    const [run] = (await tx
      .update(runs)
      .set({ branch: runBranchName(await installationId(tx), inserted!.id) })
      .where(eq(runs.id, inserted!.id))
      .returning()) as [Run];
    await recordFirstPhase(tx, run);
    const job = input.skipPlanning
      ? null
      : await openJob(tx, ctx, run, { kind: 'planning', role: 'pm', priority: 10 });
    await appendEvent(tx, ctx.actor, {
      type: 'run.created',
      projectId: project.id,
      runId: run.id,
      jobId: job?.id ?? null,
      payload: { goal: run.goal, phase, branch: run.branch, job_id: job?.id ?? null },
    });
    return { run, job };
  });
}

/** Kill is a soft delete: the run is marked, its open jobs cancelled, and it is hidden from lists. */
export function killRun(
  ctx: ServiceContext,
  runId: number,
): Promise<{ run: Run; cancelledJobIds: number[] }> {
  return inTransaction(ctx, async (tx) => {
    const [current] = await tx.select().from(runs).where(eq(runs.id, runId)).for('update');
    if (!current) throw errors.notFound('run', runId);
    const run = await enterPhase(tx, ctx.actor, current, 'killed', { killedAt: sql`now()` });
    const cancelledJobIds = await cancelRunJobs(tx, runId, 'run killed');
    await voidApprovalsOfRun(tx, runId, 'the run was killed');
    await appendEvent(tx, ctx.actor, {
      type: 'run.killed',
      projectId: run.projectId,
      runId,
      payload: { previous_phase: current.phase, cancelled_job_ids: cancelledJobIds },
    });
    return { run, cancelledJobIds };
  });
}

/** Pausing keeps every job (see steps/pause.ts). */
export function setPaused(ctx: ServiceContext, runId: number, paused: boolean): Promise<Run> {
  return inTransaction(ctx, async (tx) => {
    const current = await loadActiveRun(tx, runId);
    const { run, jobIds } = await applyPause(tx, runId, paused);
    await appendEvent(tx, ctx.actor, {
      type: paused ? 'run.paused' : 'run.resumed',
      projectId: run.projectId,
      runId,
      payload: { was_paused: current.paused, job_ids: jobIds },
    });
    return run;
  });
}

/** One round trip, as dashboards poll it: the run's pipeline beside its tasks' counts. */
export async function taskProgress(db: Queryable, runId: number): Promise<TaskProgress> {
  const rows = await db
    .select({
      pipeline: runs.pipeline,
      stage: tasks.pipelineStage,
      count: sql<number>`count(${tasks.id})::int`,
    })
    .from(runs)
    .leftJoin(tasks, eq(tasks.runId, runs.id))
    .where(eq(runs.id, runId))
    .groupBy(runs.id, tasks.pipelineStage);
  if (rows.length === 0) throw errors.notFound('run', runId);
  const counts = rows.flatMap(({ stage, count }) => (stage === null ? [] : [{ stage, count }]));
  return progressFrom(runId, rows[0]!.pipeline, counts);
}

export async function getRun(db: Queryable, runId: number): Promise<RunView> {
  const run = await loadRun(db, runId);
  const progress = (await progressOf(db, [run])).get(runId)!;
  const usage = (await usageWithWallTime(db, [runId])).get(runId)!;
  return { ...run, stage: progress.stage, progress, usage };
}

export interface RunFilter {
  projectId?: number | undefined;
  phase?: RunPhase | undefined;
  includeKilled: boolean;
  limit: number;
  offset: number;
}

export async function listRuns(
  db: Queryable,
  filter: RunFilter,
): Promise<{ items: RunView[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.projectId !== undefined) conditions.push(eq(runs.projectId, filter.projectId));
  if (filter.phase !== undefined) conditions.push(eq(runs.phase, filter.phase));
  if (!filter.includeKilled) conditions.push(isNull(runs.killedAt));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(runs).where(where);
  const rows = await db
    .select()
    .from(runs)
    .where(where)
    .orderBy(desc(runs.id))
    .limit(filter.limit)
    .offset(filter.offset);
  const ids = rows.map((run) => run.id);
  const progress = await progressOf(db, rows);
  const usage = await usageWithWallTime(db, ids);
  return {
    items: rows.map((run) => ({
      ...run,
      stage: progress.get(run.id)!.stage,
      progress: progress.get(run.id)!,
      usage: usage.get(run.id)!,
    })),
    total: count?.total ?? 0,
  };
}

async function progressOf(
  db: Queryable,
  ofRuns: readonly Pick<Run, 'id' | 'pipeline'>[],
): Promise<Map<number, TaskProgress>> {
  const runIds = ofRuns.map((run) => run.id);
  const counts =
    runIds.length === 0
      ? []
      : await db
          .select({
            runId: tasks.runId,
            stage: tasks.pipelineStage,
            count: sql<number>`count(*)::int`,
          })
          .from(tasks)
          .where(anyId(tasks.runId, runIds))
          .groupBy(tasks.runId, tasks.pipelineStage);
  return new Map(
    ofRuns.map(({ id, pipeline }) => [
      id,
      progressFrom(
        id,
        pipeline,
        counts.filter((row) => row.runId === id),
      ),
    ]),
  );
}

function progressFrom(
  runId: number,
  pipeline: Run['pipeline'],
  counts: readonly { stage: Stage; count: number }[],
): TaskProgress {
  const workStages = resolvePipeline(pipeline).map((row) => row.stage);
  const byStage: Record<Stage, number> = Object.fromEntries(stagesOf(workStages).map((stage) => [stage, 0]));
  for (const row of counts) byStage[row.stage] = row.count;
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  const complete = byStage.complete ?? 0;
  return {
    runId,
    total,
    complete,
    percent: total === 0 ? 0 : Math.round((complete / total) * 100),
    blocked: byStage.none ?? 0,
    stage: runStage(
      counts.filter((row) => row.count > 0).map((row) => row.stage),
      workStages,
    ),
    byStage,
  };
}
