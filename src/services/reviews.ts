/**
 * A person's decision on a task's change (src/domain/review.ts): accept it, which queues the job merging
 * it into its run branch, or send it back to dev with line comments, which its next prompt carries as
 * findings of source `review`.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { tasks } from '../db/schema.ts';
import { runWorkStages } from '../domain/pipeline.ts';
import { acceptsTaskWork } from '../domain/run-phases.ts';
import { advance } from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import type { Finding } from './findings.ts';
import { type Job, openJob } from './steps/jobs.ts';
import { loadActiveRun, loadTask, type Run, type Task } from './steps/load.ts';
import { moveTask, type StageChange } from './steps/move-task.ts';
import { closeReviewComments, type ReviewComment, storeReviewComments } from './steps/review.ts';

export type { ReviewComment } from './steps/review.ts';

async function loadReviewable(tx: Tx, taskId: number): Promise<{ task: Task; run: Run }> {
  const task = await loadTask(tx, taskId);
  const run = await loadActiveRun(tx, task.runId);
  if (!acceptsTaskWork(run.phase)) throw errors.runNotActive(run.id, run.phase);
  return { task, run };
}

export function acceptReview(
  ctx: ServiceContext,
  taskId: number,
  input: { version?: number | undefined },
): Promise<{ task: Task; mergeJob: Job }> {
  return inTransaction(ctx, async (tx) => {
    const { task: current, run } = await loadReviewable(tx, taskId);
    if (current.reviewState !== 'awaiting') throw errors.notAwaitingReview(taskId, current.reviewState);
    const version = input.version ?? current.version;
    const [task] = await tx
      .update(tasks)
      .set({ reviewState: 'accepted', version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(tasks.id, taskId), eq(tasks.version, version)))
      .returning();
    if (!task) throw errors.versionConflict(taskId, version, current.version);
    const closed = await closeReviewComments(tx, taskId);
    // A person's acceptance is the trigger: the merge is queued, not held for another one.
    const mergeJob = await openJob(tx, ctx, run, {
      kind: 'merge',
      role: task.pipelineStage,
      taskId,
      stage: task.pipelineStage,
      priority: task.priority,
      released: true,
    });
    await appendEvent(tx, ctx.actor, {
      type: 'task.review_accepted',
      projectId: run.projectId,
      runId: run.id,
      taskId,
      jobId: mergeJob.id,
      payload: {
        stage: task.pipelineStage,
        version: task.version,
        merge_job_id: mergeJob.id,
        closed_finding_ids: closed,
      },
    });
    return { task, mergeJob };
  });
}

export function sendBackFromReview(
  ctx: ServiceContext,
  taskId: number,
  input: { comments: readonly ReviewComment[]; version?: number | undefined },
): Promise<{ change: StageChange; findings: Finding[] }> {
  return inTransaction(ctx, async (tx) => {
    const { task, run } = await loadReviewable(tx, taskId);
    const move = advance(task.pipelineStage, 'fail', runWorkStages(run));
    const count = input.comments.length;
    const change = await moveTask(
      tx,
      ctx,
      run,
      task,
      move,
      input.version,
      `sent back by review with ${count} comment${count === 1 ? '' : 's'}`,
    );
    const stored = await storeReviewComments(tx, task, input.comments);
    await appendEvent(tx, ctx.actor, {
      type: 'task.review_sent_back',
      projectId: run.projectId,
      runId: run.id,
      taskId,
      jobId: change.job?.id ?? null,
      payload: {
        from: change.from,
        to: change.to,
        version: change.task.version,
        job_id: change.job?.id ?? null,
        job_state: change.job?.state ?? null,
        loop_back: change.loopBack,
        loop_backs: change.task.loopBacks,
        run_phase: change.runPhase,
        released_task_ids: change.released,
        finding_ids: stored.map((finding) => finding.id),
      },
    });
    return { change, findings: stored };
  });
}
