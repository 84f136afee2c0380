import type { Tx } from '../db/client.ts';
import type { EventPayload } from '../domain/events.ts';
import { runWorkStages } from '../domain/pipeline.ts';
import { acceptsTaskWork } from '../domain/run-phases.ts';
import { advance, type Stage, type StageResult, setStage as setStageRule } from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { escalateWhenLooping } from './steps/escalate.ts';
import { loadActiveRun, loadTask, type Run, type Task } from './steps/load.ts';
import { moveTask, type StageChange } from './steps/move-task.ts';

export type { StageChange } from './steps/move-task.ts';

export interface AdvanceInput {
  result: StageResult;
  notes?: string | undefined;
  version?: number | undefined;
}

export function advanceStage(ctx: ServiceContext, taskId: number, input: AdvanceInput): Promise<StageChange> {
  return inTransaction(ctx, async (tx) => {
    const { task, run } = await loadMovable(tx, taskId);
    const move = advance(task.pipelineStage, input.result, runWorkStages(run));
    const moved = await moveTask(tx, ctx, run, task, move, input.version, input.notes);
    // Whoever reports the results (an agent through this API, or a worker), a task that does not converge
    // waits for a person.
    const escalation = moved.loopBack ? await escalateWhenLooping(tx, moved, run) : null;
    const change = escalation ? { ...moved, job: escalation.job } : moved;
    await appendEvent(tx, ctx.actor, {
      type: 'task.stage_advanced',
      projectId: run.projectId,
      runId: run.id,
      taskId: task.id,
      jobId: change.job?.id ?? null,
      payload: {
        ...eventPayload(change),
        result: input.result,
        notes: input.notes ?? null,
        escalation_approval_id: escalation?.approvalId ?? null,
      },
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
    const change = await moveTask(
      tx,
      ctx,
      run,
      task,
      setStageRule(task.pipelineStage, input.stage, runWorkStages(run)),
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

function eventPayload(change: StageChange): EventPayload<'task.stage_set'> {
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
