/**
 * A task that keeps going back to dev is not converging: after MAX_LOOP_BACKS trips its next dev job is held
 * and a person is asked to decide (an escalation approval) whether it goes on.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { approvals, jobs } from '../../db/schema.ts';
import type { Job } from './jobs.ts';
import type { StageChange } from './move-task.ts';

/** After this many trips back to dev a task stops and waits for a person: it is not converging. */
export const MAX_LOOP_BACKS = 5;

export interface Escalation {
  approvalId: number;
  /** The task's next dev job, now held for the decision. */
  job: Job | null;
}

export async function escalateWhenLooping(
  tx: Tx,
  change: StageChange,
  runId: number,
): Promise<Escalation | null> {
  if (change.task.loopBacks < MAX_LOOP_BACKS) return null;
  const [held] = change.job
    ? await tx
        .update(jobs)
        .set({ state: 'held', heldByPause: false, updatedAt: sql`now()` })
        .where(eq(jobs.id, change.job.id))
        .returning()
    : [];
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
  return { approvalId: approval!.id, job: held ?? null };
}
