/** Approvals as the API answers with them. */
import { z } from 'zod';
import { APPROVAL_KINDS, APPROVAL_STATES } from '../domain/approvals.ts';
import { id, pageOf, timestamp } from './common.ts';

/** A decision Workhorse waits on: an escalated task (its next dev job is held) or a deploy. */
export const approvalSchema = z.strictObject({
  id,
  run_id: id,
  kind: z.enum(APPROVAL_KINDS),
  task_id: id.nullable(),
  job_id: id.nullable(),
  state: z.enum(APPROVAL_STATES),
  requested_by: z.string(),
  reason: z.string(),
  /** What a person decides on: for a deploy, the run's diff summary, test result, open findings, cost. */
  details: z.record(z.string(), z.unknown()),
  decided_by: z.string().nullable(),
  decision_note: z.string().nullable(),
  decided_at: timestamp.nullable(),
  created_at: timestamp,
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalPageSchema = pageOf(approvalSchema);
