/** Tasks, their views and their stage changes, as the API answers with them. */
import { z } from 'zod';
import { REVIEW_STATES } from '../domain/review.ts';
import { RUN_PHASES } from '../domain/run-phases.ts';
import { TASK_SOURCES } from '../domain/task-sources.ts';
import { budgetLimitsSchema } from './budgets.ts';
import { id, pageOf, timestamp } from './common.ts';
import { boardJobSchema, jobSummarySchema } from './jobs.ts';

/** A stage name: `none`, `complete` or a work stage of the task's run (a project may add its own). */
const stage = z.string();

export const taskSchema = z.strictObject({
  id,
  run_id: id,
  title: z.string(),
  description: z.string(),
  acceptance: z.array(z.string()),
  files: z.array(z.string()),
  priority: z.number().int().min(1).max(10),
  pipeline_stage: stage,
  /** Raised by every change: send it back to have a stale edit refused with 409. */
  version: z.number().int().positive(),
  loop_backs: z.number().int().min(0),
  source: z.enum(TASK_SOURCES),
  /** One line per stage move that came with notes. */
  notes: z.string(),
  /** A person's review before the merge: `awaiting` it, or `accepted` (its merge queued); null otherwise. */
  review_state: z.enum(REVIEW_STATES).nullable(),
  /** Paused on its own: its jobs are held until it resumes. */
  paused: z.boolean(),
  /** The task's own limits, over its project's task limits; set when a person raises them at a budget approval. */
  budget: budgetLimitsSchema.nullable(),
  completed_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

/**
 * A task with its dependencies, the unfinished ones among them, its open job, how its last attempt ended
 * (a task with no open job is failed, dead, cancelled, or done) and the escalation that holds it.
 */
export const taskViewSchema = taskSchema.extend({
  depends_on: z.array(id),
  blocked_by: z.array(id),
  current_job: jobSummarySchema.nullable(),
  last_finished_job: jobSummarySchema.nullable(),
  /** The pending escalation approval a person must decide before the task goes on; null when none. */
  escalation_id: id.nullable(),
});
export type TaskView = z.infer<typeof taskViewSchema>;

export const taskPageSchema = pageOf(taskViewSchema);

/**
 * A task as the run board shows it: its card, the board's search and the run's situation line read these
 * fields and no others. The task panel reads the full task view.
 */
export const boardTaskSchema = z.strictObject({
  id,
  title: z.string(),
  description: z.string(),
  priority: taskSchema.shape.priority,
  pipeline_stage: stage,
  loop_backs: taskSchema.shape.loop_backs,
  review_state: taskSchema.shape.review_state,
  paused: z.boolean(),
  blocked_by: z.array(id),
  current_job: boardJobSchema.nullable(),
  last_finished_job: boardJobSchema.nullable(),
  escalation_id: id.nullable(),
});
export type BoardTask = z.infer<typeof boardTaskSchema>;

export const boardSchema = z.strictObject({ items: z.array(boardTaskSchema) });

/** A new task, with the job of the stage it entered (null while it waits for its dependencies). */
export const createdTaskSchema = taskViewSchema.extend({ job: jobSummarySchema.nullable() });

export const taskQueueSchema = z.strictObject({
  run_id: id.nullable(),
  stage,
  count: z.number().int().min(0),
  tasks: z.array(taskViewSchema),
});

/** A stage move: the task after it, where it went, the job it opened and the tasks it released. */
export const stageChangeSchema = z.strictObject({
  task: taskSchema,
  from: stage,
  to: stage,
  loop_back: z.boolean(),
  job: jobSummarySchema.nullable(),
  released_task_ids: z.array(id),
  run_phase: z.enum(RUN_PHASES),
});
export type StageChange = z.infer<typeof stageChangeSchema>;
