/**
 * The director role's `director_report.json`: the interventions its agent proposes for one run, in the
 * shape the role prompt documents. Workhorse validates it whole before applying anything: one invalid item
 * fails the review, so a half-understood report never acts.
 */
import { z } from 'zod';
import { SEVERITIES } from './severity.ts';
import { MAX_NOTE_LENGTH } from './task-notes.ts';

export const REVIEW_KINDS = Object.freeze(['note', 'finding', 'requeue', 'pause', 'escalate'] as const);
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** What only makes sense about a task: a note for its prompt, a finding on it, its job again. */
const TASK_KINDS: readonly ReviewKind[] = ['note', 'finding', 'requeue'];

/** More than this in one review is not supervision but noise. */
export const MAX_REVIEW_ITEMS = 50;

export const reviewItemSchema = z
  .object({
    kind: z.enum(REVIEW_KINDS),
    task_id: z.number().int().positive().nullable().default(null),
    severity: z
      .string()
      .transform((value) => value.trim().toLowerCase())
      .pipe(z.enum(SEVERITIES))
      .default('medium'),
    message: z.string().trim().min(1).max(MAX_NOTE_LENGTH),
  })
  .refine((item) => item.task_id !== null || !TASK_KINDS.includes(item.kind), {
    message: 'a note, finding or requeue names the task_id it is about',
    path: ['task_id'],
  });
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export const directorReportSchema = z.object({
  interventions: z.array(reviewItemSchema).max(MAX_REVIEW_ITEMS),
});
export type DirectorReport = z.infer<typeof directorReportSchema>;
