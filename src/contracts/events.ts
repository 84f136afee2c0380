/** The event log as the API answers with it. */
import { z } from 'zod';
import { EVENT_TYPES } from '../domain/event-types.ts';
import { id, timestamp } from './common.ts';

export const eventSchema = z.strictObject({
  id,
  type: z.enum(EVENT_TYPES),
  project_id: id.nullable(),
  run_id: id.nullable(),
  task_id: id.nullable(),
  job_id: id.nullable(),
  /** The token (or process) that made the change. */
  actor: z.string().nullable(),
  /** The type's payload (src/domain/events.ts); known secrets redacted. */
  payload: z.record(z.string(), z.unknown()),
  created_at: timestamp,
});
export type WhEvent = z.infer<typeof eventSchema>;

/** A page of the log: oldest first (go on with after_id) or newest first (go on with before_id). */
export const eventPageSchema = z.union([
  z.strictObject({
    items: z.array(eventSchema),
    /** The id to ask after for the next page; null on the last page. */
    next_after_id: id.nullable(),
  }),
  z.strictObject({
    items: z.array(eventSchema),
    /** The id to ask before for the next page; null on the last page. */
    next_before_id: id.nullable(),
  }),
]);
