/** Moving a task to another stage inside a service's transaction: the shared core of every stage change. */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { tasks } from '../../db/schema.ts';
import type { RunPhase } from '../../domain/run-phases.ts';
import type { Stage, StageMove } from '../../domain/stages.ts';
import { errors } from '../../errors/catalogue.ts';
import type { ServiceContext } from '../context.ts';
import { incompleteDependencies, releaseDependents } from './dependencies.ts';
import type { Job } from './jobs.ts';
import { loadTask, type Run, type Task } from './load.ts';
import { enterStage, startTestingWhenDone } from './stages.ts';

export interface StageChange {
  task: Task;
  from: Stage;
  to: Stage;
  loopBack: boolean;
  job: Job | null;
  released: number[];
  runPhase: RunPhase;
}

/**
 * Applies a stage move the domain allowed: compare-and-set on the task's version (a stale version is a
 * 409), retire the old stage's jobs, open the new stage's, and on completion release dependents and, when it
 * was the last task, start testing the run.
 */
export async function moveTask(
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
      // A task that moves is another change, or a merged one: a review given or awaited no longer applies.
      reviewState: null,
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
