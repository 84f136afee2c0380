/**
 * Moving a task through the pipeline: advance (pass/fail) and set (an operator's override).
 * Each call is one transaction and one event; a stale version is refused with 409.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { tasks } from '../db/schema.ts';
import { acceptsTaskWork } from '../domain/run-phases.ts';
import {
  advance,
  type Stage,
  type StageMove,
  type StageResult,
  setStage as setStageRule,
} from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { incompleteDependencies, releaseDependents } from './steps/dependencies.ts';
import type { Job } from './steps/jobs.ts';
import { loadActiveRun, loadTask, type Run, type Task } from './steps/load.ts';
import { enterStage, startTestingWhenDone } from './steps/stages.ts';

export interface StageChange {
  task: Task;
  from: Stage;
  to: Stage;
  loopBack: boolean;
  job: Job | null;
  released: number[];
  runPhase: string;
}

export interface AdvanceInput {
  result: StageResult;
  notes?: string | undefined;
  version?: number | undefined;
}

export function advanceStage(ctx: ServiceContext, taskId: number, input: AdvanceInput): Promise<StageChange> {
  return inTransaction(ctx, async (tx) => {
    const { task, run } = await loadMovable(tx, taskId);
    const move = advance(task.pipelineStage, input.result);
    const change = await applyMove(tx, ctx, run, task, move, input.version, input.notes);
    await appendEvent(tx, ctx.actor, {
      type: 'task.stage_advanced',
      projectId: run.projectId,
      runId: run.id,
      taskId: task.id,
      jobId: change.job?.id ?? null,
      payload: { ...eventPayload(change), result: input.result, notes: input.notes ?? null },
    });
    return change;
  });
}

export interface SetStageInput {
  stage: Stage;
  version?: number | undefined;
}

export function setStage(ctx: ServiceContext, taskId: number, input: SetStageInput): Promise<StageChange> {
  return inTransaction(ctx, async (tx) => {
    const { task, run } = await loadMovable(tx, taskId);
    const change = await applyMove(
      tx,
      ctx,
      run,
      task,
      setStageRule(task.pipelineStage, input.stage),
      input.version,
    );
    await appendEvent(tx, ctx.actor, {
      type: 'task.stage_set',
      projectId: run.projectId,
      runId: run.id,
      taskId: task.id,
      jobId: change.job?.id ?? null,
      payload: eventPayload(change),
    });
    return change;
  });
}

async function loadMovable(tx: Tx, taskId: number): Promise<{ task: Task; run: Run }> {
  const task = await loadTask(tx, taskId);
  const run = await loadActiveRun(tx, task.runId);
  if (!acceptsTaskWork(run.phase)) throw errors.runNotActive(run.id, run.phase);
  return { task, run };
}

async function applyMove(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  task: Task,
  move: StageMove,
  expectedVersion: number | undefined,
  notes?: string,
): Promise<StageChange> {
  if (!move.ok) throw errors.illegalStageMove(task.id, task.pipelineStage, move.reason);
  if (move.to !== 'none') {
    const blockedBy = await incompleteDependencies(tx, task.id);
    if (blockedBy.length > 0) throw errors.taskBlocked(task.id, blockedBy);
  }
  const version = expectedVersion ?? task.version;
  const noteLine = notes ? `[${move.from} -> ${move.to}] ${notes}\n` : '';
  const [moved] = await tx
    .update(tasks)
    .set({
      pipelineStage: move.to,
      version: sql`${tasks.version} + 1`,
      loopBacks: move.loopBack ? sql`${tasks.loopBacks} + 1` : tasks.loopBacks,
      notes: sql`${tasks.notes} || ${noteLine}`,
      completedAt: move.to === 'complete' ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(tasks.id, task.id), eq(tasks.version, version)))
    .returning();
  if (!moved) {
    const current = await loadTask(tx, task.id);
    throw errors.versionConflict(task.id, version, current.version);
  }
  const job = await enterStage(tx, ctx, run, task, move.to);
  const released = move.to === 'complete' ? await releaseDependents(tx, ctx, run, task.id) : [];
  const newPhase = move.to === 'complete' ? await startTestingWhenDone(tx, ctx, run) : null;
  return {
    task: moved,
    from: move.from,
    to: move.to,
    loopBack: move.loopBack,
    job,
    released,
    runPhase: newPhase ?? run.phase,
  };
}

function eventPayload(change: StageChange): Record<string, unknown> {
  return {
    from: change.from,
    to: change.to,
    loop_back: change.loopBack,
    loop_backs: change.task.loopBacks,
    version: change.task.version,
    job_id: change.job?.id ?? null,
    job_state: change.job?.state ?? null,
    released_task_ids: change.released,
    run_phase: change.runPhase,
  };
}
