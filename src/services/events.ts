/**
 * The events log: one row per state change, written in the same transaction as the change.
 * It is the audit trail, the live feed and the webhook outbox.
 */
import { and, asc, desc, eq, getTableColumns, gt, lt, type SQL } from 'drizzle-orm';
import { redactKnownValue } from '../config/known-secrets.ts';
import type { Queryable, Tx } from '../db/client.ts';
import { events } from '../db/schema.ts';
import type { EventType } from '../domain/event-types.ts';
import type { EventPayload } from '../domain/events.ts';

/** An event as read and answered: its transaction id (`xid`) is the webhook outbox's business alone. */
const { xid: _xid, ...eventColumns } = getTableColumns(events);

export { eventColumns };

export type Event = Omit<typeof events.$inferSelect, 'xid'>;

interface EventSubjects {
  projectId?: number | null;
  runId?: number | null;
  taskId?: number | null;
  jobId?: number | null;
}

/** An event to append: a catalogued type with its payload, and the rows it is about. */
export type EventInput = {
  [T in EventType]: EventSubjects & { type: T; payload: EventPayload<T> };
}[EventType];

/**
 * The event a job's outcome makes (a handler's `apply`, see completeJobWith): the queue adds how the job
 * itself ended (`job`) to its payload.
 */
export type OutcomeEvent = {
  [T in EventType]: EventSubjects & { type: T; payload: Omit<EventPayload<T>, 'job'> };
}[EventType];

export async function appendEvent(tx: Tx, actor: string | null, input: EventInput): Promise<Event> {
  const [row] = await tx
    .insert(events)
    .values({
      type: input.type,
      projectId: input.projectId ?? null,
      runId: input.runId ?? null,
      taskId: input.taskId ?? null,
      jobId: input.jobId ?? null,
      actor,
      // Payloads quote people and agents (titles, findings, errors): known secrets never reach the feed.
      payload: redactKnownValue(input.payload),
    })
    .returning(eventColumns);
  return row!;
}

export interface EventFilter {
  afterId?: number | undefined;
  /** Newest first, below this id: for "what happened lately" views. */
  beforeId?: number | undefined;
  newestFirst?: boolean;
  runId?: number | undefined;
  projectId?: number | undefined;
  taskId?: number | undefined;
  limit: number;
}

export async function listEvents(db: Queryable, filter: EventFilter): Promise<Event[]> {
  const conditions: SQL[] = [];
  if (filter.afterId !== undefined) conditions.push(gt(events.id, filter.afterId));
  if (filter.beforeId !== undefined) conditions.push(lt(events.id, filter.beforeId));
  if (filter.runId !== undefined) conditions.push(eq(events.runId, filter.runId));
  if (filter.projectId !== undefined) conditions.push(eq(events.projectId, filter.projectId));
  if (filter.taskId !== undefined) conditions.push(eq(events.taskId, filter.taskId));
  return db
    .select(eventColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(filter.newestFirst ? desc(events.id) : asc(events.id))
    .limit(filter.limit);
}
