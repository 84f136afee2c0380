/**
 * Releasing held work. Without AUTO_TRIGGER_AGENTS every job waits as `held` until a person triggers it:
 * trigger-agent releases the run's held jobs (of one role, if named); trigger-pipeline releases them and
 * lets the run advance on its own for a number of stage transitions. On a run that is ready for commit (its
 * deploy was rejected) it asks for the deploy approval again.
 */
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { approvals, jobs, runs, tasks } from '../db/schema.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { lastTestEvidence, requestDeployApproval } from './steps/deploy-approval.ts';
import { readyState } from './steps/jobs.ts';
import { loadActiveRun, type Run } from './steps/load.ts';

export const DEFAULT_PIPELINE_ITERATIONS = 20;

/**
 * Releases held jobs; on a paused run they stay held, marked to run as soon as it resumes. A job held for a
 * pending approval (an escalated task's) waits for that decision instead.
 */
async function releaseHeld(tx: Tx, run: Run, role: string | null): Promise<number[]> {
  const conditions: SQL[] = [
    eq(jobs.runId, run.id),
    eq(jobs.state, 'held'),
    eq(jobs.heldByPause, false),
    sql`not exists (select 1 from ${approvals} a where a.job_id = ${jobs.id} and a.state = 'pending')`,
    // A paused task's work waits for the task to resume (and then for a trigger, as any held job).
    sql`not exists (select 1 from ${tasks} t where t.id = ${jobs.taskId} and t.paused)`,
  ];
  if (role) conditions.push(eq(jobs.role, role));
  const rows = await tx
    .update(jobs)
    .set({ ...readyState(run), runAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(...conditions))
    .returning({ id: jobs.id });
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

export function triggerAgent(
  ctx: ServiceContext,
  runId: number,
  role: string | null,
): Promise<{ runId: number; role: string | null; releasedJobIds: number[] }> {
  return inTransaction(ctx, async (tx) => {
    const run = await loadActiveRun(tx, runId);
    const releasedJobIds = await releaseHeld(tx, run, role);
    if (releasedJobIds.length === 0) throw errors.nothingToTrigger(runId, role);
    await appendEvent(tx, ctx.actor, {
      type: 'run.agent_triggered',
      projectId: run.projectId,
      runId,
      payload: { role, released_job_ids: releasedJobIds },
    });
    return { runId, role, releasedJobIds };
  });
}

export function triggerPipeline(
  ctx: ServiceContext,
  runId: number,
  maxIterations: number = DEFAULT_PIPELINE_ITERATIONS,
): Promise<{ runId: number; maxIterations: number; releasedJobIds: number[] }> {
  return inTransaction(ctx, async (tx) => {
    const run = await loadActiveRun(tx, runId);
    const releasedJobIds = await releaseHeld(tx, run, null);
    const deployApprovalId =
      run.phase === 'ready_for_commit'
        ? (await requestDeployApproval(tx, ctx, run, await lastTestEvidence(tx, run.id))).approval.id
        : null;
    await tx
      .update(runs)
      .set({ autoAdvanceRemaining: maxIterations, updatedAt: sql`now()` })
      .where(eq(runs.id, runId));
    await appendEvent(tx, ctx.actor, {
      type: 'run.pipeline_triggered',
      projectId: run.projectId,
      runId,
      payload: {
        max_iterations: maxIterations,
        released_job_ids: releasedJobIds,
        deploy_approval_id: deployApprovalId,
      },
    });
    return { runId, maxIterations, releasedJobIds };
  });
}
