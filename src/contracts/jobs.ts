/** Jobs as the API answers with them. */
import { z } from 'zod';
import { JOB_KINDS, JOB_STATES } from '../domain/job-states.ts';
import { id, pageOf, timestamp } from './common.ts';

const tokens = z.number().int().min(0).nullable();

const jobVerdictSchema = z.strictObject({
  pass: z.boolean(),
  /** Why it did not pass, most specific first (blocking findings, failed gates, an unusable report). */
  reasons: z.array(z.string()),
});

/** A job without its log and report: what lists and task views carry. */
export const jobSummarySchema = z.strictObject({
  id,
  /**
   * A built-in kind, or a generic job's own (enqueueJob takes any kind a handler is registered for: health
   * checks, benchmarks, extensions), so not an enum.
   */
  kind: z.string().describe(`built in: ${JOB_KINDS.join(', ')}; a generic job's kind otherwise`),
  run_id: id,
  task_id: id.nullable(),
  stage: z.string().nullable(),
  role: z.string(),
  state: z.enum(JOB_STATES),
  /** Held only because its run is paused: resuming the run queues it again. */
  held_by_pause: z.boolean(),
  priority: z.number().int(),
  attempt: z.number().int().min(0),
  max_attempts: z.number().int().positive(),
  run_at: timestamp,
  lease_owner: z.string().nullable(),
  lease_token: z.uuid().nullable(),
  lease_expires_at: timestamp.nullable(),
  backend: z.string().nullable(),
  role_config_id: id.nullable(),
  exit_code: z.number().int().nullable(),
  input_tokens: tokens,
  output_tokens: tokens,
  cost_usd: z.number().min(0).nullable(),
  /** Input for the job's handler (for agent jobs: the backend options it was queued with). */
  payload: z.record(z.string(), z.unknown()),
  last_error: z.string().nullable(),
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  /**
   * What its report says of the outcome: a job that "succeeded" ran to the end, yet its stage may have
   * failed its checks. Null when the report records no verdict (not finished, planning, generic work).
   */
  verdict: jobVerdictSchema.nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

/** The little of a job a board card reads: what it does, how it stands and why it failed. */
export const boardJobSchema = jobSummarySchema.pick({
  id: true,
  kind: true,
  stage: true,
  role: true,
  state: true,
  held_by_pause: true,
  attempt: true,
  backend: true,
  last_error: true,
  verdict: true,
});
export type BoardJob = z.infer<typeof boardJobSchema>;

export const jobPageSchema = pageOf(jobSummarySchema);

/** A job with its log and its report (what its handler recorded; null until it has one). */
export const jobDetailSchema = jobSummarySchema.extend({
  log: z.string(),
  report: z.unknown(),
  /** When each chunk of the log was written, by where it begins in `log`: the times of its lines. */
  log_times: z.array(z.strictObject({ offset: z.number().int().min(0), at: timestamp })),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;
