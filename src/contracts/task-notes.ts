/** Course-correct notes on a task, as the API answers with them. */
import { z } from 'zod';
import { NOTE_SOURCES } from '../domain/task-notes.ts';
import { id, timestamp } from './common.ts';

export const taskNoteSchema = z.strictObject({
  id,
  run_id: id,
  task_id: id,
  /** `person` (left through the API) or `director`. */
  source: z.enum(NOTE_SOURCES),
  /** The token that left it, or `director`. */
  author: z.string(),
  body: z.string(),
  /** The job whose prompt carried it (every attempt of that job does); null until one has. */
  delivered_job_id: id.nullable(),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
});
export type TaskNote = z.infer<typeof taskNoteSchema>;

export const taskNoteListSchema = z.strictObject({ items: z.array(taskNoteSchema) });
