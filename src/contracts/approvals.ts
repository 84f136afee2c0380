/** Approvals as the API answers with them. */
import { z } from 'zod';
import { APPROVAL_KINDS, APPROVAL_STATES } from '../domain/approvals.ts';
import { BUDGET_SCOPES } from '../domain/budget.ts';
import { budgetLimitsSchema } from './budgets.ts';
import { id, pageOf, timestamp } from './common.ts';

const count = z.number().int().min(0);

/** What a person sees before approving a deploy (empty for an escalation). */
export const deployDetailsSchema = z.strictObject({
  diff: z
    .strictObject({
      base: z.string(),
      head: z.string(),
      commits: count,
      files_changed: count,
      insertions: count,
      deletions: count,
      files: z.array(z.string()),
    })
    .nullable(),
  test: z.strictObject({
    command: z.string().nullable(),
    exit_code: z.number().int().nullable(),
    passed: z.boolean(),
  }),
  open_findings: z.strictObject({
    total: count,
    by_severity: z.record(z.string(), count),
    items: z.array(
      z.strictObject({ id, severity: z.string(), issue: z.string(), file: z.string().nullable() }),
    ),
  }),
  usage: z.strictObject({
    agent_jobs: count,
    input_tokens: count,
    output_tokens: count,
    cost_usd: z.number().min(0).nullable(),
    unpriced_jobs: count,
  }),
});

/**
 * What a budget approval shows: whose limits were reached (a task's, a run's or the project's total; a run's
 * when absent), the limits and what was used against them.
 */
export const budgetDetailsSchema = z.strictObject({
  scope: z.enum(BUDGET_SCOPES).optional(),
  budget: budgetLimitsSchema,
  used: z.strictObject({
    tokens: count,
    cost_usd: z.number().min(0).nullable(),
    wall_seconds: z.number().min(0).optional(),
  }),
});

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
  details: z.union([deployDetailsSchema, budgetDetailsSchema, z.strictObject({})]),
  decided_by: z.string().nullable(),
  decision_note: z.string().nullable(),
  decided_at: timestamp.nullable(),
  created_at: timestamp,
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalPageSchema = pageOf(approvalSchema);
