/**
 * The task stage machine: none, then the pipeline's work stages in order (dev -> qa -> sec -> docs), then
 * complete. A failed review (qa, sec, docs) or a failed dev attempt returns the task to dev and counts a
 * loop-back.
 */
import { PIPELINE, type WorkStage } from './pipeline.ts';

export type { WorkStage } from './pipeline.ts';

/** Stages that are worked by an agent, so entering one creates a job: the pipeline table's rows. */
export const WORK_STAGES: readonly [WorkStage, ...WorkStage[]] = Object.freeze(
  PIPELINE.map((row) => row.stage) as [WorkStage, ...WorkStage[]],
);

export type Stage = 'none' | WorkStage | 'complete';
export const STAGES: readonly [Stage, ...Stage[]] = Object.freeze([
  'none',
  ...WORK_STAGES,
  'complete',
] as const);

export const STAGE_RESULTS = Object.freeze(['pass', 'fail'] as const);
export type StageResult = (typeof STAGE_RESULTS)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function isWorkStage(stage: Stage): stage is WorkStage {
  return (WORK_STAGES as readonly string[]).includes(stage);
}

export function isComplete(stage: Stage): boolean {
  return stage === 'complete';
}

/** Position in the pipeline; used to find a run's lowest stage. */
export function stageRank(stage: Stage): number {
  return STAGES.indexOf(stage);
}

export type StageMove =
  | { ok: true; from: Stage; to: Stage; loopBack: boolean }
  | { ok: false; from: Stage; reason: string };

/** Where a task goes when its current stage reports `result`. */
export function advance(from: Stage, result: StageResult): StageMove {
  if (from === 'complete') return { ok: false, from, reason: 'a complete task has no stage to advance' };
  if (result === 'pass') {
    const to = STAGES[stageRank(from) + 1] as Stage;
    return { ok: true, from, to, loopBack: false };
  }
  if (from === 'none')
    return { ok: false, from, reason: 'a task that has not entered the pipeline cannot fail' };
  return { ok: true, from, to: 'dev', loopBack: true };
}

/**
 * A direct stage change (an operator override). Any stage may be set except the one the task is in.
 */
export function setStage(from: Stage, to: Stage): StageMove {
  if (from === to) return { ok: false, from, reason: `the task is already at stage ${to}` };
  return { ok: true, from, to, loopBack: false };
}

/**
 * A run's stage is the lowest stage among its unfinished tasks: the run is "in QA" once every task has
 * passed DEV. With no unfinished tasks the run's stage is complete (or none if it has no tasks at all).
 */
export function runStage(taskStages: readonly Stage[]): Stage {
  if (taskStages.length === 0) return 'none';
  const unfinished = taskStages.filter((stage) => stage !== 'complete');
  if (unfinished.length === 0) return 'complete';
  return unfinished.reduce((lowest, stage) => (stageRank(stage) < stageRank(lowest) ? stage : lowest));
}
