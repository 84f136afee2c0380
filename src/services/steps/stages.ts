/** Stage steps: what entering a stage and finishing a run's tasks set in motion. */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { tasks } from '../../db/schema.ts';
import { runWorkStages } from '../../domain/pipeline.ts';
import type { RunPhase } from '../../domain/run-phases.ts';
import { isWorkStage, type Stage } from '../../domain/stages.ts';
import type { ServiceContext } from '../context.ts';
import { cancelTaskJobs, type Job, openJob } from './jobs.ts';
import type { Run, Task } from './load.ts';
import { enterPhase } from './phases.ts';

/** Entering a stage retires the old stage's open jobs and opens one for the new stage's agent. */
export async function enterStage(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  task: Task,
  stage: Stage,
): Promise<Job | null> {
  await cancelTaskJobs(tx, task.id, `task left stage ${task.pipelineStage} for ${stage}`);
  if (!isWorkStage(stage, runWorkStages(run))) return null;
  return openJob(tx, ctx, run, {
    kind: 'stage',
    role: stage,
    taskId: task.id,
    stage,
    priority: task.priority,
  });
}

/**
 * When the last task of a building run completes, the run moves to testing: its branch is tested as a whole.
 * Returns the new phase, or null when the run stays where it is.
 */
export async function startTestingWhenDone(tx: Tx, ctx: ServiceContext, run: Run): Promise<RunPhase | null> {
  if (run.phase !== 'building') return null;
  const [unfinished] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(tasks)
    .where(and(eq(tasks.runId, run.id), ne(tasks.pipelineStage, 'complete')));
  if ((unfinished?.count ?? 0) > 0) return null;
  await enterPhase(tx, ctx.actor, run, 'testing');
  await openJob(tx, ctx, run, { kind: 'integration_test', role: 'qa', priority: 10 });
  return 'testing';
}
