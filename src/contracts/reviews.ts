/** A task's change under a person's review: its diff and commits, and the review's decisions. */
import { z } from 'zod';
import { id, timestamp } from './common.ts';
import { findingSchema } from './findings.ts';
import { stageChangeSchema, taskSchema } from './tasks.ts';

const lineNumber = z.number().int().positive().nullable();

export const diffLineSchema = z.strictObject({
  kind: z.enum(['add', 'del', 'same']),
  text: z.string(),
  old_no: lineNumber,
  new_no: lineNumber,
});

export const diffHunkSchema = z.strictObject({
  /** The `@@ -a,b +c,d @@` line, with the enclosing function git names after it. */
  header: z.string(),
  old_start: z.number().int().min(0),
  old_lines: z.number().int().min(0),
  new_start: z.number().int().min(0),
  new_lines: z.number().int().min(0),
  lines: z.array(diffLineSchema),
});

export const diffFileSchema = z.strictObject({
  path: z.string(),
  old_path: z.string(),
  status: z.enum(['added', 'deleted', 'modified', 'renamed']),
  additions: z.number().int().min(0),
  deletions: z.number().int().min(0),
  /** Empty for a binary file, an empty one, or a change of mode only. */
  hunks: z.array(diffHunkSchema),
});
export type DiffFile = z.infer<typeof diffFileSchema>;

export const taskCommitSchema = z.strictObject({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  authored_at: timestamp,
});

export const taskDiffSchema = z.strictObject({
  task_id: id,
  run_branch: z.string().nullable(),
  task_branch: z.string().nullable(),
  /** Whether both branches exist; a task that never ran DEV has no branch yet. */
  branches_found: z.boolean(),
  /** Where the task branch left the run branch (their merge base), and the task branch's head. */
  base: z.string().nullable(),
  head: z.string().nullable(),
  /** The task branch's commits beyond the run branch, newest first. */
  commits: z.array(taskCommitSchema),
  stats: z.strictObject({
    files: z.number().int().min(0),
    additions: z.number().int().min(0),
    deletions: z.number().int().min(0),
  }),
  files: z.array(diffFileSchema),
  /** The diff was too long to send whole: the files after the cut are left out. */
  truncated: z.boolean(),
});
export type TaskDiff = z.infer<typeof taskDiffSchema>;

/** A person's comment on one line of the diff (or on a file, or the change as a whole). */
export const reviewCommentSchema = z.strictObject({
  file: z.string().min(1).max(1000).nullable().optional(),
  line: z.number().int().positive().max(10_000_000).nullable().optional(),
  body: z.string().trim().min(1).max(20_000),
});
export type ReviewComment = z.infer<typeof reviewCommentSchema>;

/** Sending a task back to dev: the task after the move, and the comments, stored as findings. */
export const reviewSentBackSchema = z.strictObject({
  change: stageChangeSchema,
  findings: z.array(findingSchema),
});
export type ReviewSentBack = z.infer<typeof reviewSentBackSchema>;

/** An accepted review: the task, and the job that merges it into its run branch. */
export const reviewAcceptedSchema = z.strictObject({
  task: taskSchema,
  merge_job_id: id,
});
export type ReviewAccepted = z.infer<typeof reviewAcceptedSchema>;
