/**
 * Webhooks' rules: which events a subscription takes, when a failed delivery is tried again, and what its
 * body says. Pure: the dispatcher (src/webhooks) brings the clock, the network and the database.
 */
import { EVENT_TYPES, type EventType, isEventType } from './event-types.ts';

/** Names earlier versions accepted, each standing for the catalogued types it meant. */
export const EVENT_TYPE_ALIASES: Readonly<Record<string, readonly EventType[]>> = {
  state_change: ['run.phase_changed', 'task.stage_advanced', 'task.stage_set', 'task.stage_result'],
  run_created: ['run.created'],
};

/** The catalogued types a filter names, aliases expanded; null names the first word that is neither. */
export function expandEventTypes(
  names: readonly string[],
): { types: EventType[]; unknown: null } | { types: null; unknown: string } {
  const types = new Set<EventType>();
  for (const name of names) {
    const expanded = EVENT_TYPE_ALIASES[name] ?? (isEventType(name) ? [name] : null);
    if (!expanded) return { types: null, unknown: name };
    for (const type of expanded) types.add(type);
  }
  return { types: EVENT_TYPES.filter((type) => types.has(type)), unknown: null };
}

/** A test event goes only to the subscription it was sent for. */
export const TEST_EVENT_TYPE = 'webhook.test' satisfies EventType;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The wait before each retry, after the first attempt fails: about three days in all (the Standard
 * Webhooks schedule, lengthened with 10 h steps). A delivery still failing after the last is given up
 * and its subscription disabled.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** A receiver may ask for a longer wait, never for more than a day. */
const MAX_RETRY_AFTER_MS = 24 * HOUR;

/**
 * How long to wait before the attempt after `attempt` (1-based), or null when the schedule is spent.
 * `Retry-After` wins when the receiver sent one; otherwise the schedule's step, spread by up to ±10%
 * (`random` in [0, 1)) so that many subscribers failing at once do not retry at once.
 */
export function retryDelayMs(
  attempt: number,
  schedule: readonly number[],
  retryAfterMs: number | null,
  random: number,
): number | null {
  const step = schedule[attempt - 1];
  if (step === undefined) return null;
  if (retryAfterMs !== null) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.round(step * (0.9 + 0.2 * random));
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The `webhook-id`: the same for every attempt at one event for one subscriber, for de-duplication. */
export function webhookMessageId(subscriptionId: number, eventId: number): string {
  return `msg_${subscriptionId}_${eventId}`;
}

export interface DeliveredEvent {
  id: number;
  type: string;
  projectId: number | null;
  runId: number | null;
  taskId: number | null;
  jobId: number | null;
  actor: string | null;
  payload: unknown;
  createdAt: Date;
}

/** The body a subscriber receives; the payload was masked of known secrets when the event was written. */
export function webhookBody(event: DeliveredEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: {
      event_id: event.id,
      project_id: event.projectId,
      run_id: event.runId,
      task_id: event.taskId,
      job_id: event.jobId,
      actor: event.actor,
      payload: event.payload,
    },
  });
}
