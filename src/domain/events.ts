/**
 * The payload of each catalogued event (event-types.ts), as the events table stores it: snake_case keys,
 * ids as numbers, times as ISO strings. Services are type-checked against these shapes when they append an
 * event; the raw-SQL queue events are checked by the test that validates every event a test database holds.
 * Strict objects: a field nobody documented is a failure, not a surprise for a webhook consumer.
 */
import { z } from 'zod';
import type { EventType } from './event-types.ts';

const id = z.number().int().positive();
const ids = z.array(id);
const text = z.string();
const nullableText = z.string().nullable();
const count = z.number().int().nonnegative();
/** A job as it ended a change: which one of its kind, at which attempt, in which state. */
const jobState = z.strictObject({ kind: text, attempt: count, state: text });
const fromTo = { from: text, to: text };
/** What a Director's intervention did: the rows it made or moved, or why it was skipped. */
const interventionOutcome = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

const stageMove = {
  ...fromTo,
  version: count,
  job_id: id.nullable(),
  job_state: nullableText,
  loop_back: z.boolean(),
  loop_backs: count,
  run_phase: text,
  released_task_ids: ids,
};

const jobAttempt = { kind: text, attempt: count };
/** What a webhook subscription is set to; never its secret. */
const webhookSettings = {
  url: text,
  event_types: z.array(text),
  project_id: id.nullable(),
  enabled: z.boolean(),
  description: text,
};

export const EVENT_PAYLOADS = {
  'project.created': z.strictObject({ name: text, repository: text }),
  'project.updated': z.strictObject({ changes: z.array(text) }),
  'run.created': z.strictObject({ goal: text, phase: text, branch: nullableText, job_id: id.nullable() }),
  'run.planned': z.strictObject({ ...fromTo, task_ids: z.record(z.string(), id), job: jobState }),
  'run.killed': z.strictObject({ previous_phase: text, cancelled_job_ids: ids }),
  'run.paused': z.strictObject({ was_paused: z.boolean(), job_ids: ids }),
  'run.resumed': z.strictObject({ was_paused: z.boolean(), job_ids: ids }),
  'run.agent_triggered': z.strictObject({ role: nullableText, released_job_ids: ids }),
  'run.pipeline_triggered': z.strictObject({
    max_iterations: count,
    released_job_ids: ids,
    deploy_approval_id: id.nullable(),
  }),
  'run.tested': z.strictObject({
    ...fromTo,
    passed: z.boolean(),
    command: nullableText,
    exit_code: z.number().int().nullable(),
    fix_task_id: id.nullable(),
    approval_id: id.nullable(),
    job: jobState,
  }),
  'run.phase_changed': z.strictObject(fromTo),
  'run.deployed': z.strictObject({
    release_mode: text,
    released_commit: nullableText,
    deployed_with: text,
    command: nullableText,
    exit_code: z.number().int().nullable(),
    job: jobState,
  }),
  'run.deploy_failed': z.strictObject({
    release_mode: text,
    released_commit: nullableText,
    deployed_with: text,
    command: nullableText,
    exit_code: z.number().int().nullable(),
    finding_id: id,
    fix_task_id: id,
    job: jobState,
  }),
  'task.created': z.strictObject({ title: text, stage: text, job_id: id.nullable(), blocked_by: ids }),
  'task.updated': z.strictObject({
    changes: z.array(text),
    stage_change: z.strictObject(fromTo).nullable(),
  }),
  'task.stage_advanced': z.strictObject({
    ...stageMove,
    result: text,
    notes: nullableText,
    escalation_approval_id: id.nullable(),
  }),
  'task.stage_set': z.strictObject(stageMove),
  'task.paused': z.strictObject({ was_paused: z.boolean(), job_ids: ids }),
  'task.resumed': z.strictObject({ was_paused: z.boolean(), job_ids: ids }),
  'task.stage_result': z.strictObject({
    ...fromTo,
    result: text,
    reasons: z.array(text),
    loop_back: z.boolean(),
    loop_backs: count,
    run_phase: text,
    finding_ids: ids,
    fix_task_ids: ids,
    next_job_id: id.nullable(),
    released_task_ids: ids,
    escalation_approval_id: id.nullable(),
    job: jobState,
  }),
  'task.review_requested': z.strictObject({
    stage: text,
    version: count,
    fix_task_ids: ids,
    job: jobState,
  }),
  'task.review_accepted': z.strictObject({
    stage: text,
    version: count,
    merge_job_id: id,
    closed_finding_ids: ids,
  }),
  'task.review_sent_back': z.strictObject({ ...stageMove, finding_ids: ids }),
  'job.enqueued': z.strictObject({ kind: text, state: text }),
  'job.claimed': z.strictObject({ ...jobAttempt, worker: text }),
  'job.released': z.strictObject({ ...jobAttempt, reason: text }),
  // A job whose handler recorded its outcome in the same transaction also says how the job ended.
  'job.succeeded': z.strictObject({
    ...jobAttempt,
    exit_code: z.number().int().nullable(),
    job: jobState.optional(),
  }),
  'job.retry_scheduled': z.strictObject({ ...jobAttempt, error: text, run_at: text }),
  'job.failed': z.strictObject({ ...jobAttempt, error: text, run_at: text }),
  'job.dead': z.strictObject({ ...jobAttempt, error: text, run_at: text.optional() }),
  'job.lease_expired': z.strictObject({ ...jobAttempt, error: text }),
  'job.cancelled': z.strictObject({ from: text, voided_approvals: ids }),
  'job.retried': z.strictObject({ from: text, attempt: count }),
  'job.result_superseded': z.strictObject({
    job_stage: nullableText,
    task_stage: text,
    pass: z.boolean(),
    job: jobState,
  }),
  'job.stale_write_refused': z.strictObject({ what: text, state: text, attempt: count }),
  'job.output': z.strictObject({ chunk: text, chars: count }),
  'task.note_added': z.strictObject({ note_id: id, source: text, author: text, body: text }),
  'task.notes_delivered': z.strictObject({ note_ids: ids }),
  'finding.created': z.strictObject({ finding_id: id, source: text, severity: text, issue: text }),
  'finding.status_changed': z.strictObject({ finding_id: id, ...fromTo }),
  'bug_report.created': z.strictObject({ bug_report_id: id, title: text, page_url: nullableText }),
  'bug_report.status_changed': z.strictObject({ bug_report_id: id, ...fromTo }),
  'role_config.saved': z.strictObject({ role: text, version: count, previous_version: count.nullable() }),
  'role_config.activated': z.strictObject({ role: text, version: count }),
  'role_config.seeded': z.strictObject({ roles: z.array(text) }),
  'approval.decided': z.strictObject({
    approval_id: id,
    kind: text,
    state: text,
    note: nullableText,
    job_state: text.optional(),
    run_phase: text.optional(),
    deploy_job_id: id.optional(),
    /** A budget approval: the limits it set, as the API writes them. */
    budget: z
      .strictObject({
        tokens: z.number().optional(),
        cost_usd: z.number().optional(),
        wall_seconds: z.number().optional(),
      })
      .optional(),
    /** A budget approval: whose limits were raised (task, run or project). */
    scope: text.optional(),
    resumed: z.boolean().optional(),
  }),
  'director.intervened': z.strictObject({
    intervention_id: id,
    rule: text,
    action: text,
    summary: text,
    outcome: interventionOutcome,
  }),
  'director.review_requested': z.strictObject({
    job_id: id,
    job_state: text,
    requested_by: z.enum(['person', 'schedule']),
  }),
  'director.reviewed': z.strictObject({
    /** The report's items applied, each an intervention (recorded without an event of its own). */
    interventions: z.array(
      z.strictObject({
        intervention_id: id,
        rule: text,
        action: text,
        /** The task it is about; null for the run. */
        task_id: id.nullable(),
        outcome: interventionOutcome,
      }),
    ),
    /** Items about a task not in the run, or whose situation passed: nothing to do. */
    ignored: count,
    job: jobState,
  }),
  'director.updated': z.strictObject({
    enabled: z.boolean(),
    was_enabled: z.boolean(),
    rules_changed: z.array(text),
  }),
  'webhook.created': z.strictObject({ subscription_id: id, ...webhookSettings }),
  'webhook.updated': z.strictObject({ subscription_id: id, changed: z.array(text), ...webhookSettings }),
  'webhook.deleted': z.strictObject({ subscription_id: id, url: text }),
  'webhook.secret_rotated': z.strictObject({ subscription_id: id, previous_valid_until: text }),
  'webhook.disabled': z.strictObject({ subscription_id: id, url: text, reason: text, event_id: id }),
  'webhook.test': z.strictObject({ subscription_id: id }),
  'webhook.redelivery_requested': z.strictObject({
    subscription_id: id,
    event_id: id,
    delivery_id: id,
    attempt: count,
  }),
  'token.created': z.strictObject({ token_id: id, name: text, role: text }),
  'token.revoked': z.strictObject({ token_id: id, name: text }),
  'worker.started': z.strictObject({ id: text, pid: count, host: text, concurrency: count }),
  'worker.stopped': z.strictObject({ worker_id: text, reason: text }),
  'worker.lost': z.strictObject({
    worker_id: text,
    pid: count,
    host: text,
    reason: text,
    last_heartbeat_at: text,
  }),
  'worker.returned': z.strictObject({ worker_id: text }),
} as const satisfies { [T in EventType]: z.ZodType };

export type EventPayload<T extends EventType> = z.input<(typeof EVENT_PAYLOADS)[T]>;

/** Why a stored event does not match the catalogue, or null when it does. */
export function eventProblem(type: string, payload: unknown): string | null {
  if (!Object.hasOwn(EVENT_PAYLOADS, type)) return `"${type}" is not a catalogued event type`;
  const parsed = EVENT_PAYLOADS[type as EventType].safeParse(payload);
  if (parsed.success) return null;
  return `${type}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'} ${issue.message}`).join('; ')}`;
}
