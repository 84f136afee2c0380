/**
 * Course-correct notes on tasks (domain/task-notes.ts): a person's or the Director's instruction for the
 * next agent that works on the task. Leaving one and recording its delivery are state changes, each one
 * transaction and one event.
 */
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { taskNotes } from '../db/schema.ts';
import type { NoteSource } from '../domain/task-notes.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadRun, loadTask, type Task } from './steps/load.ts';

export type TaskNote = typeof taskNotes.$inferSelect;

export interface NewNote {
  source: NoteSource;
  author: string;
  body: string;
}

/** Inserts a note inside the caller's transaction (the caller's event describes it: the Director's). */
export async function insertTaskNote(tx: Tx, task: Task, note: NewNote): Promise<TaskNote> {
  const [row] = await tx
    .insert(taskNotes)
    .values({ runId: task.runId, taskId: task.id, ...note })
    .returning();
  return row!;
}

/** A person leaves a note on a task for its next agent's prompt. */
export function addTaskNote(ctx: ServiceContext, taskId: number, body: string): Promise<TaskNote> {
  return inTransaction(ctx, async (tx) => {
    const task = await loadTask(tx, taskId);
    const run = await loadRun(tx, task.runId);
    const note = await insertTaskNote(tx, task, { source: 'person', author: ctx.actor ?? 'anonymous', body });
    await appendEvent(tx, ctx.actor, {
      type: 'task.note_added',
      projectId: run.projectId,
      runId: run.id,
      taskId: task.id,
      payload: { note_id: note.id, source: note.source, author: note.author, body: note.body },
    });
    return note;
  });
}

/** Every note on a task, oldest first, delivered or not. */
export async function listTaskNotes(db: Queryable, taskId: number): Promise<TaskNote[]> {
  await loadTask(db, taskId);
  return db.select().from(taskNotes).where(eq(taskNotes.taskId, taskId)).orderBy(asc(taskNotes.id));
}

/** The notes a job of the task carries: those not yet delivered, and those this same job carried before. */
export function notesForJob(db: Queryable, taskId: number, jobId: number): Promise<TaskNote[]> {
  return db
    .select()
    .from(taskNotes)
    .where(
      and(
        eq(taskNotes.taskId, taskId),
        or(isNull(taskNotes.deliveredJobId), eq(taskNotes.deliveredJobId, jobId)),
      ),
    )
    .orderBy(asc(taskNotes.id));
}

/**
 * Records that `jobId`'s agent started with these notes in its prompt. Notes another job already carried
 * are left as they are; nothing changes (and no event) when every one was recorded before.
 */
export function markNotesDelivered(
  ctx: ServiceContext,
  job: { id: number; runId: number; taskId: number },
  noteIds: readonly number[],
): Promise<number[]> {
  return inTransaction(ctx, async (tx) => {
    if (noteIds.length === 0) return [];
    const marked = await tx
      .update(taskNotes)
      .set({ deliveredJobId: job.id, deliveredAt: sql`now()` })
      .where(and(inArray(taskNotes.id, [...noteIds]), isNull(taskNotes.deliveredJobId)))
      .returning({ id: taskNotes.id });
    const ids = marked.map((row) => row.id).sort((a, b) => a - b);
    if (ids.length === 0) return ids;
    const run = await loadRun(tx, job.runId);
    await appendEvent(tx, ctx.actor, {
      type: 'task.notes_delivered',
      projectId: run.projectId,
      runId: run.id,
      taskId: job.taskId,
      jobId: job.id,
      payload: { note_ids: ids },
    });
    return ids;
  });
}
