/**
 * The task stage machine: none, then a pipeline's work stages in order (built in: dev -> qa -> sec -> docs),
 * then complete. A failed stage returns the task to the pipeline's first stage (dev) and counts a loop-back.
 * Every rule takes the run's work stages; without them, the built-in pipeline's.
 */
import { BUILT_IN_STAGES, type BuiltInStage } from './pipeline.ts';

/** A stage name: `none`, `complete`, or a work stage of the task's run (a project may add its own). */
export type Stage = string;
export type WorkStage = string;

/** The built-in pipeline's work stages: entering one creates a job. */
export const WORK_STAGES: readonly [BuiltInStage, ...BuiltInStage[]] = BUILT_IN_STAGES;

/** The built-in pipeline's stages, with its two ends. */
export const STAGES = Object.freeze(['none', ...WORK_STAGES, 'complete'] as const);

export const STAGE_RESULTS = Object.freeze(['pass', 'fail'] as const);
export type StageResult = (typeof STAGE_RESULTS)[number];

/** Every stage of a pipeline with `workStages`, in order. */
export function stagesOf(workStages: readonly string[] = WORK_STAGES): readonly string[] {
  return ['none', ...workStages, 'complete'];
}

export function isStage(value: unknown, workStages: readonly string[] = WORK_STAGES): value is Stage {
  return typeof value === 'string' && stagesOf(workStages).includes(value);
}

export function isWorkStage(stage: Stage, workStages: readonly string[] = WORK_STAGES): boolean {
  return workStages.includes(stage);
}

export function isComplete(stage: Stage): boolean {
  return stage === 'complete';
}

/** Position in the pipeline; used to find a run's lowest stage. -1 for a stage not in it. */
export function stageRank(stage: Stage, workStages: readonly string[] = WORK_STAGES): number {
  return stagesOf(workStages).indexOf(stage);
}

export type StageMove =
  | { ok: true; from: Stage; to: Stage; loopBack: boolean }
  | { ok: false; from: Stage; reason: string };

/** Where a task goes when its current stage reports `result`. */
export function advance(
  from: Stage,
  result: StageResult,
  workStages: readonly string[] = WORK_STAGES,
): StageMove {
  if (from === 'complete') return { ok: false, from, reason: 'a complete task has no stage to advance' };
  const rank = stageRank(from, workStages);
  if (rank < 0) return { ok: false, from, reason: `stage ${from} is not in this run's pipeline` };
  if (result === 'pass') return { ok: true, from, to: stagesOf(workStages)[rank + 1]!, loopBack: false };
  if (from === 'none')
    return { ok: false, from, reason: 'a task that has not entered the pipeline cannot fail' };
  return { ok: true, from, to: workStages[0]!, loopBack: true };
}

/**
 * A direct stage change (an operator override). Any stage of the run's pipeline may be set except the one
 * the task is in.
 */
export function setStage(from: Stage, to: Stage, workStages: readonly string[] = WORK_STAGES): StageMove {
  if (!isStage(to, workStages))
    return {
      ok: false,
      from,
      reason: `stage ${to} is not in this run's pipeline: ${stagesOf(workStages).join(', ')}`,
    };
  if (from === to) return { ok: false, from, reason: `the task is already at stage ${to}` };
  return { ok: true, from, to, loopBack: false };
}

/**
 * A run's stage is the lowest stage among its unfinished tasks: the run is "in QA" once every task has
 * passed DEV. With no unfinished tasks the run's stage is complete (or none if it has no tasks at all).
 */
export function runStage(taskStages: readonly Stage[], workStages: readonly string[] = WORK_STAGES): Stage {
  if (taskStages.length === 0) return 'none';
  // `complete` ranks last, so it is the lowest only when every task is complete.
  return taskStages.reduce((lowest, stage) =>
    stageRank(stage, workStages) < stageRank(lowest, workStages) ? stage : lowest,
  );
}
