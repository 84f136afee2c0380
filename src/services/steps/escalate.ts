/**
 * A task that keeps going back to dev is not converging: after `maxLoopBacks` trips (the Director's `loops`
 * rule, MAX_LOOP_BACKS unless the installation or project says otherwise) its next dev job is held and a
 * person is asked to decide (an escalation approval) whether it goes on. The rule is applied here, by the
 * stage change itself, so that no DEV attempt starts before the decision; it is recorded as the Director's.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { approvals, directorInterventions, directorState, jobs } from '../../db/schema.ts';
import { ruleConfig } from '../../domain/director.ts';
import type { Job } from './jobs.ts';
import { loadProject, type Run } from './load.ts';
import type { StageChange } from './move-task.ts';

/** After this many trips back to dev a task stops and waits for a person: it is not converging. */
export const MAX_LOOP_BACKS = 5;

export interface Escalation {
  approvalId: number;
  /** The task's next dev job, now held for the decision. */
  job: Job | null;
}

/**
 * Settles the pending approvals about these jobs as void: what they asked about (a held job) is gone.
 * Returns their ids, for the event of the change that cancelled the jobs.
 */
export async function voidApprovalsOfJobs(tx: Tx, jobIds: readonly number[], why: string): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const voided = await tx
    .update(approvals)
    .set({ state: 'void', decidedBy: 'workhorse', decisionNote: why, decidedAt: sql`now()` })
    .where(and(eq(approvals.state, 'pending'), inArray(approvals.jobId, [...jobIds])))
    .returning({ id: approvals.id });
  return voided.map((row) => row.id).sort((a, b) => a - b);
}

/** Settles every pending approval of a run as void: the run is gone (killed), nobody may decide for it. */
export async function voidApprovalsOfRun(tx: Tx, runId: number, why: string): Promise<number[]> {
  const voided = await tx
    .update(approvals)
    .set({ state: 'void', decidedBy: 'workhorse', decisionNote: why, decidedAt: sql`now()` })
    .where(and(eq(approvals.state, 'pending'), eq(approvals.runId, runId)))
    .returning({ id: approvals.id });
  return voided.map((row) => row.id).sort((a, b) => a - b);
}

/** One decision at a time per task: an older escalation still pending is replaced by a newer one. */
export async function supersedePendingEscalation(tx: Tx, taskId: number): Promise<void> {
  await tx
    .update(approvals)
    .set({
      state: 'void',
      decidedBy: 'workhorse',
      decisionNote: 'superseded by a newer escalation of the same task',
      decidedAt: sql`now()`,
    })
    .where(
      and(eq(approvals.taskId, taskId), eq(approvals.kind, 'escalation'), eq(approvals.state, 'pending')),
    );
}

/** The loop-back count that escalates a task of `run`, or null when the `loops` rule is off for it. */
async function loopLimit(tx: Tx, run: Pick<Run, 'projectId'>): Promise<number | null> {
  const [state] = await tx.select({ rules: directorState.rules }).from(directorState);
  const project = await loadProject(tx, run.projectId);
  const config = ruleConfig(state?.rules ?? {}, project.settings.director, 'loops');
  return config ? Number(config.maxLoopBacks) : null;
}

export async function escalateWhenLooping(
  tx: Tx,
  change: StageChange,
  run: Pick<Run, 'id' | 'projectId'>,
): Promise<Escalation | null> {
  const limit = await loopLimit(tx, run);
  if (limit === null || change.task.loopBacks < limit) return null;
  const runId = run.id;
  const [held] = change.job
    ? await tx
        .update(jobs)
        .set({ state: 'held', heldByPause: false, updatedAt: sql`now()` })
        .where(eq(jobs.id, change.job.id))
        .returning()
    : [];
  await supersedePendingEscalation(tx, change.task.id);
  const [approval] = await tx
    .insert(approvals)
    .values({
      runId,
      kind: 'escalation',
      taskId: change.task.id,
      jobId: change.job?.id ?? null,
      requestedBy: 'workhorse',
      reason: `task ${change.task.id} "${change.task.title}" went back to dev ${change.task.loopBacks} times; its next dev job is held until someone decides`,
    })
    .returning({ id: approvals.id });
  await tx
    .insert(directorInterventions)
    .values({
      rule: 'loops',
      fingerprint: `loops:task-${change.task.id}:loop-back-${change.task.loopBacks}`,
      projectId: run.projectId,
      runId,
      taskId: change.task.id,
      jobId: change.job?.id ?? null,
      action: 'escalate',
      evidence: {
        loop_backs: change.task.loopBacks,
        threshold: limit,
        outcome: { approval_id: approval!.id },
      },
      summary: `task ${change.task.id} went back to dev ${change.task.loopBacks} times: its next dev job waits for a person`,
    })
    .onConflictDoNothing({ target: directorInterventions.fingerprint });
  return { approvalId: approval!.id, job: held ?? null };
}
