/**
 * Approvals: requests for a person's decision, and the decisions. An escalation (a task that keeps going
 * back to dev) holds the task's next dev job: approving releases it, rejecting cancels it and leaves the
 * task for a person. A deploy (a run that passed its tests) is released and deployed by a deploy job when
 * approved; rejected, the run stays ready for commit with the reason, for people to add tasks or kill it.
 */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { approvals, jobs } from '../db/schema.ts';
import type { Budget } from '../domain/budget.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { openJob, readyState } from './steps/jobs.ts';
import { loadActiveRun, loadRun, loadTask } from './steps/load.ts';
import { enterPhase } from './steps/phases.ts';
import { settleBudget } from './steps/settle-budget.ts';

export type Approval = typeof approvals.$inferSelect;
export type Decision = 'approve' | 'reject';

export async function listApprovals(
  db: Queryable,
  filter: {
    state?: Approval['state'] | undefined;
    runId?: number | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: Approval[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(approvals.state, filter.state));
  if (filter.runId !== undefined) conditions.push(eq(approvals.runId, filter.runId));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(approvals).where(where);
  const items = await db
    .select()
    .from(approvals)
    .where(where)
    .orderBy(desc(approvals.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items, total: count?.total ?? 0 };
}

export interface DecisionInput {
  decision: Decision;
  note?: string | undefined;
  /** A budget approval's new limits: approving one raises the limits reached to these and resumes the work. */
  budget?: Budget | undefined;
}

export function decideApproval(
  ctx: ServiceContext,
  approvalId: number,
  input: DecisionInput,
): Promise<Approval> {
  return inTransaction(ctx, async (tx) => {
    const [pending] = await tx.select().from(approvals).where(eq(approvals.id, approvalId)).for('update');
    if (!pending) throw errors.notFound('approval', approvalId);
    if (pending.state !== 'pending') throw errors.approvalDecided(approvalId, pending.state);
    const effect =
      pending.kind === 'escalation'
        ? await settleEscalation(tx, ctx, pending, input.decision)
        : pending.kind === 'budget'
          ? await settleBudget(tx, pending, input.decision, input.budget)
          : await settleDeploy(tx, ctx, pending, input.decision);
    const [decided] = await tx
      .update(approvals)
      .set({
        state: input.decision === 'approve' ? 'approved' : 'rejected',
        decidedBy: ctx.actor,
        decisionNote: input.note ?? null,
        decidedAt: sql`now()`,
      })
      .where(eq(approvals.id, approvalId))
      .returning();
    const run = await loadRun(tx, decided!.runId);
    await appendEvent(tx, ctx.actor, {
      type: 'approval.decided',
      projectId: run.projectId,
      runId: decided!.runId,
      taskId: decided!.taskId,
      jobId: decided!.jobId,
      payload: {
        approval_id: approvalId,
        kind: decided!.kind,
        state: decided!.state,
        note: decided!.decisionNote,
        ...effect,
      },
    });
    return decided!;
  });
}

/** The escalated task's held job goes on (approve) or is cancelled (reject); a job no longer held is left. */
async function settleEscalation(
  tx: Tx,
  ctx: ServiceContext,
  approval: Approval,
  decision: Decision,
): Promise<Record<string, unknown>> {
  if (approval.jobId === null) return {};
  const [job] = await tx.select().from(jobs).where(eq(jobs.id, approval.jobId)).for('update');
  if (job?.state !== 'held') return { job_state: job?.state ?? null };
  if (decision === 'approve') {
    const run = await loadRun(tx, approval.runId);
    const task = job.taskId !== null ? await loadTask(tx, job.taskId) : null;
    const [released] = await tx
      .update(jobs)
      .set({ ...readyState(run, task), runAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(jobs.id, job.id))
      .returning({ state: jobs.state });
    return { job_state: released!.state };
  }
  await tx
    .update(jobs)
    .set({
      state: 'cancelled',
      lastError: `escalation rejected by ${ctx.actor}`,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(jobs.id, job.id));
  return { job_state: 'cancelled' };
}

/** Approved, the run is deploying and its deploy job is queued; rejected, it is ready for commit again. */
async function settleDeploy(
  tx: Tx,
  ctx: ServiceContext,
  approval: Approval,
  decision: Decision,
): Promise<{ run_phase: string; deploy_job_id?: number }> {
  const run = await loadActiveRun(tx, approval.runId);
  if (decision === 'reject') {
    const back = await enterPhase(tx, ctx.actor, run, 'ready_for_commit');
    return { run_phase: back.phase };
  }
  const deploying = await enterPhase(tx, ctx.actor, run, 'deploying');
  const job = await openJob(tx, ctx, deploying, {
    kind: 'deploy',
    role: 'cicd',
    priority: 10,
    released: true,
  });
  return { run_phase: deploying.phase, deploy_job_id: job.id };
}

/** The decision a deploy job runs on: the run's latest approved deploy approval, or null. */
export async function approvedDeploy(db: Queryable, runId: number): Promise<Approval | null> {
  const [approved] = await db
    .select()
    .from(approvals)
    .where(and(eq(approvals.runId, runId), eq(approvals.kind, 'deploy'), eq(approvals.state, 'approved')))
    .orderBy(desc(approvals.id))
    .limit(1);
  return approved ?? null;
}
