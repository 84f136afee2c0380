/**
 * The Director's course corrections that are not about a defect: a note into a task's next prompt, a
 * person asked to decide about a task or run, a run paused until someone resumes it. Steps inside the
 * intervention's transaction; its `director.intervened` event describes them.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { approvals, jobs } from '../../db/schema.ts';
import { insertTaskNote } from '../task-notes.ts';
import { supersedePendingEscalation } from './escalate.ts';
import type { Run, Task } from './load.ts';
import { applyPause } from './pause.ts';

type Outcome = Record<string, number | string | null>;

export async function leaveDirectorNote(tx: Tx, task: Task, body: string): Promise<Outcome> {
  const note = await insertTaskNote(tx, task, { source: 'director', author: 'director', body });
  return { note_id: note.id };
}

/**
 * Asks a person to decide: about a task, its waiting job is held until they do (approving releases it,
 * rejecting cancels it, as for a loop escalation); about a run, the approval only informs.
 */
export async function escalateToPerson(
  tx: Tx,
  run: Run,
  task: Task | null,
  reason: string,
): Promise<Outcome> {
  const [held] = task
    ? await tx
        .update(jobs)
        .set({ state: 'held', heldByPause: false, updatedAt: sql`now()` })
        .where(and(eq(jobs.taskId, task.id), inArray(jobs.state, ['queued', 'held'])))
        .returning({ id: jobs.id })
    : [];
  if (task) await supersedePendingEscalation(tx, task.id);
  const [approval] = await tx
    .insert(approvals)
    .values({
      runId: run.id,
      kind: 'escalation',
      taskId: task?.id ?? null,
      jobId: held?.id ?? null,
      requestedBy: 'director',
      reason,
    })
    .returning({ id: approvals.id });
  return { approval_id: approval!.id, held_job_id: held?.id ?? null };
}

/** Pauses the run (its waiting jobs held) until a person resumes it. */
export async function pauseRunForPerson(tx: Tx, run: Run): Promise<Outcome> {
  if (run.paused) return { skipped: 'the run was already paused' };
  const { jobIds } = await applyPause(tx, run.id, true);
  return { held_jobs: jobIds.length };
}
