/** Review steps inside a service's transaction: holding a task for a person, storing their comments. */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { findings, tasks } from '../../db/schema.ts';
import type { Finding } from '../findings.ts';
import type { Task } from './load.ts';

/** The task stays in its stage with no job: it waits for a person to accept it or send it back. */
export async function awaitReview(tx: Tx, task: Task): Promise<Task> {
  const [held] = await tx
    .update(tasks)
    .set({
      reviewState: 'awaiting',
      version: sql`${tasks.version} + 1`,
      notes: sql`${tasks.notes} || ${`[${task.pipelineStage}] passed; awaiting a person's review before the merge\n`}`,
      updatedAt: sql`now()`,
    })
    .where(eq(tasks.id, task.id))
    .returning();
  return held!;
}

export interface ReviewComment {
  file?: string | null | undefined;
  line?: number | null | undefined;
  body: string;
}

/**
 * A person's comments become blocking findings of source `review`: open findings go into the next DEV
 * prompt, and the next passing review (an acceptance) closes them.
 */
export function storeReviewComments(
  tx: Tx,
  task: Task,
  comments: readonly ReviewComment[],
): Promise<Finding[]> {
  return tx
    .insert(findings)
    .values(
      comments.map((comment) => ({
        runId: task.runId,
        taskId: task.id,
        source: 'review' as const,
        severity: 'high' as const,
        issue: comment.body,
        file: comment.file ?? null,
        line: comment.file ? (comment.line ?? null) : null,
        recommendation: 'a person reviewing the change asked for this',
      })),
    )
    .returning();
}

/** An accepted change settles what its reviewers asked for. */
export async function closeReviewComments(tx: Tx, taskId: number): Promise<number[]> {
  const rows = await tx
    .update(findings)
    .set({ status: 'fixed', updatedAt: sql`now()` })
    .where(and(eq(findings.taskId, taskId), eq(findings.source, 'review'), eq(findings.status, 'open')))
    .returning({ id: findings.id });
  return rows.map((row) => row.id).sort((a, b) => a - b);
}
