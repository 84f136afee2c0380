/** Runs, their progress, usage and timeline, as the API answers with them. */
import { z } from 'zod';
import { pipelineSchema } from '../domain/pipeline-schema.ts';
import { RUN_PHASES } from '../domain/run-phases.ts';
import { budgetLimitsSchema } from './budgets.ts';
import { id, pageOf, timestamp } from './common.ts';
import { jobSummarySchema } from './jobs.ts';

const count = z.number().int().min(0);
const stage = z.string();

export const runSchema = z.strictObject({
  id,
  project_id: id,
  goal: z.string(),
  phase: z.enum(RUN_PHASES),
  paused: z.boolean(),
  branch: z.string().nullable(),
  auto_advance_remaining: z.number().int().nullable(),
  /** The pipeline the run started with, as its project declared it; null for the built-in one. */
  pipeline: pipelineSchema.nullable(),
  /** The commit the run was released as: the merge commit on the default branch, or the pushed head. */
  released_commit: z.string().nullable(),
  /** The run's own limits, over its project's; set when a person raises them at a budget approval. */
  budget: budgetLimitsSchema.nullable(),
  killed_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const taskProgressSchema = z.strictObject({
  run_id: id,
  total: count,
  complete: count,
  percent: z.number().int().min(0).max(100),
  /** Tasks waiting at `none` (blocked by a dependency, or not started). */
  blocked: count,
  /** The run's lowest stage among its unfinished tasks. */
  stage,
  /** Tasks per stage, in the run's pipeline order. */
  by_stage: z.record(stage, count),
});
export type TaskProgress = z.infer<typeof taskProgressSchema>;

/** What a run's agents used: every attempt counts; costs as the agent CLIs reported them. */
export const runUsageSchema = z.strictObject({
  agent_jobs: count,
  input_tokens: count,
  output_tokens: count,
  cost_usd: z.number().min(0).nullable(),
  unpriced_jobs: count,
  /** The elapsed time of every job a worker ran for the run, in seconds: what its wall-time limit counts. */
  wall_seconds: z.number().min(0),
});
export type RunUsage = z.infer<typeof runUsageSchema>;

export const runViewSchema = runSchema.extend({
  stage,
  progress: taskProgressSchema,
  usage: runUsageSchema,
});
export type RunView = z.infer<typeof runViewSchema>;

export const runPageSchema = pageOf(runViewSchema);

/** One entry of a run's timeline: the phase it entered, from which, and when. */
export const phaseChangeSchema = z.strictObject({
  from_phase: z.enum(RUN_PHASES).nullable(),
  to_phase: z.enum(RUN_PHASES),
  at: timestamp,
});
export type PhaseChange = z.infer<typeof phaseChangeSchema>;

export const timelineSchema = z.strictObject({ items: z.array(phaseChangeSchema) });

/** A new run, with its planning job (null when planning was skipped). */
export const createdRunSchema = runViewSchema.extend({ job: jobSummarySchema.nullable() });

export const killedRunSchema = z.strictObject({ run: runSchema, cancelled_job_ids: z.array(id) });
export type KilledRun = z.infer<typeof killedRunSchema>;

export const triggeredAgentSchema = z.strictObject({
  run_id: id,
  role: z.string().nullable(),
  released_job_ids: z.array(id),
});

export const triggeredPipelineSchema = z.strictObject({
  run_id: id,
  max_iterations: z.number().int().positive(),
  released_job_ids: z.array(id),
});

/** A commit id as git writes it (SHA-1, or SHA-256 in a repository that uses it). */
const commitId = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);

/** The run's branch (task_id null) or a task's, as the repository has it now. */
export const runBranchSchema = z.strictObject({
  branch: z.string(),
  task_id: id.nullable(),
  exists: z.boolean(),
  head: commitId.nullable(),
});

/** Work no branch holds: a task's work in progress (`wip`) or a reviewer's changes set aside (`discarded`). */
export const savedWorkRefSchema = z.strictObject({
  ref: z.string(),
  kind: z.enum(['wip', 'discarded']),
  task_id: id,
  head: commitId,
});

export const runBranchesSchema = z.strictObject({
  run_id: id,
  /** The id of the installation that answers; it is in the names of the branches and refs it makes. */
  installation: z.string(),
  /** Where the repository is on this machine (a URL project's clone is in the data folder). */
  repository: z.string(),
  /** Whether a git repository is there; without one no branch exists and no ref is listed. */
  repository_found: z.boolean(),
  branches: z.array(runBranchSchema),
  refs: z.array(savedWorkRefSchema),
});
export type RunBranches = z.infer<typeof runBranchesSchema>;
export type SavedWorkRef = z.infer<typeof savedWorkRefSchema>;
