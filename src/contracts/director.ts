/** The Director as the API answers about it: its state, its rules, its interventions. */
import { z } from 'zod';
import { DIRECTOR_RULE_NAMES, INTERVENTION_ACTIONS } from '../domain/director.ts';
import { id, pageOf, timestamp } from './common.ts';
import { jobSummarySchema } from './jobs.ts';

export const directorRuleSchema = z.strictObject({
  name: z.enum(DIRECTOR_RULE_NAMES),
  watches: z.string(),
  action: z.string(),
  /** Its thresholds unless a project sets its own (`settings.director.rules.<name>`). */
  defaults: z.record(z.string(), z.union([z.number(), z.string()])),
});

/** Rules' switches (`enabled`) and thresholds, by rule; a project's settings take the same shape. */
export const directorRuleSettingsSchema = z.partialRecord(
  z.enum(DIRECTOR_RULE_NAMES),
  z.record(z.string().max(100), z.union([z.number(), z.string().max(500), z.boolean()])),
);

export const directorStateSchema = z.strictObject({
  enabled: z.boolean(),
  /** The installation's settings of the rules, under each project's own. */
  rule_settings: directorRuleSettingsSchema,
  /** The process acting for the Director now, while its lease holds; null when none does. */
  leader: z.string().nullable(),
  lease_expires_at: timestamp.nullable(),
  rules: z.array(directorRuleSchema),
});
export type DirectorState = z.infer<typeof directorStateSchema>;

export const interventionSchema = z.strictObject({
  id,
  rule: z.enum(DIRECTOR_RULE_NAMES),
  fingerprint: z.string(),
  project_id: id.nullable(),
  run_id: id.nullable(),
  task_id: id.nullable(),
  job_id: id.nullable(),
  action: z.enum(INTERVENTION_ACTIONS),
  /** What the rule saw, and under `outcome` what the action produced. */
  evidence: z.record(z.string(), z.unknown()),
  summary: z.string(),
  created_at: timestamp,
});
export type Intervention = z.infer<typeof interventionSchema>;

export const interventionPageSchema = pageOf(interventionSchema);

/** A review of a run by the director role's agent: its job, and whether this request made it. */
export const directorReviewSchema = z.strictObject({
  job: jobSummarySchema,
  /** False when a review of the run was already waiting or running: that one is returned. */
  created: z.boolean(),
});
export type DirectorReview = z.infer<typeof directorReviewSchema>;
