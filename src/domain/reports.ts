/**
 * The report files agents write at the root of their worktree, and their shapes. Parsing is strict about
 * what matters (severities, keys, references) and tolerant of extra fields.
 */
import { z } from 'zod';
import { PIPELINE } from './pipeline.ts';
import { SEVERITIES } from './severity.ts';

/** The report files of the roles outside the pipeline; the pipeline's stages name theirs in its table. */
export const REPORT_FILES = Object.freeze({
  pm: 'tasks.json',
  director: 'director_report.json',
  cicd: 'deploy_report.json',
} as const);

/** The file `role` writes at the worktree root, or null when it writes none (DEV). */
export function reportFileOf(role: string): string | null {
  const stage = PIPELINE.find((row) => row.stage === role);
  if (stage) return stage.reportFile;
  return Object.hasOwn(REPORT_FILES, role) ? REPORT_FILES[role as keyof typeof REPORT_FILES] : null;
}

/** Every report file: none of them is ever part of a change. */
export const ALL_REPORT_FILES: readonly string[] = Object.freeze([
  ...PIPELINE.flatMap((row) => (row.reportFile ? [row.reportFile] : [])),
  ...Object.values(REPORT_FILES),
]);

const severity = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(SEVERITIES));

export const reportFindingSchema = z.object({
  severity,
  issue: z.string().trim().min(1),
  file: z.string().trim().min(1).nullish(),
  line: z.number().int().min(0).nullish(),
  recommendation: z.string().default(''),
});
export type ReportFinding = z.infer<typeof reportFindingSchema>;

export const reviewReportSchema = z.object({
  status: z.enum(['pass', 'fail']),
  summary: z.string().default(''),
  findings: z.array(reportFindingSchema).default([]),
  files_changed: z.array(z.string()).optional(),
});
export type ReviewReport = z.infer<typeof reviewReportSchema>;

/** The cicd agent's deploy_report.json: success only when the deploy and its verification succeeded. */
export const deployReportSchema = z.object({
  status: z.enum(['success', 'failure']),
  summary: z.string().default(''),
  url: z.string().nullish(),
  steps: z.array(z.object({ command: z.string(), exit_code: z.number().int() })).default([]),
});

export const plannedTaskSchema = z.object({
  key: z.string().trim().min(1).max(40),
  title: z.string().trim().min(1).max(300),
  description: z.string().default(''),
  priority: z.number().int().min(1).max(10).default(5),
  acceptance: z.array(z.string().trim().min(1)).min(1, 'every task needs at least one acceptance criterion'),
  files: z.array(z.string()).default([]),
  blocked_by: z.array(z.string()).default([]),
});
export type PlannedTask = z.infer<typeof plannedTaskSchema>;

export const planSchema = z
  .object({ tasks: z.array(plannedTaskSchema).min(1, 'the plan has no tasks') })
  .superRefine((plan, context) => {
    const keys = new Set<string>();
    for (const task of plan.tasks) {
      if (keys.has(task.key)) context.addIssue({ code: 'custom', message: `duplicate task key ${task.key}` });
      keys.add(task.key);
    }
    for (const task of plan.tasks) {
      for (const key of task.blocked_by) {
        if (!keys.has(key))
          context.addIssue({ code: 'custom', message: `${task.key} is blocked by unknown key ${key}` });
        if (key === task.key)
          context.addIssue({ code: 'custom', message: `${task.key} is blocked by itself` });
      }
    }
  });
export type Plan = z.infer<typeof planSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a report file's text; the error says what is wrong, in a line a person can act on. */
export function parseReport<T>(schema: z.ZodType<T>, fileName: string, text: string | null): ParseResult<T> {
  if (text === null) return { ok: false, error: `${fileName} was not written` };
  if (text.trim() === '') return { ok: false, error: `${fileName} is empty` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${fileName} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return { ok: false, error: `${fileName} does not match its schema: ${problems.join('; ')}` };
}

/** Plan keys in an order where every task comes after the tasks it is blocked by, or null on a cycle. */
export function planOrder(plan: Plan): PlannedTask[] | null {
  const byKey = new Map(plan.tasks.map((task) => [task.key, task]));
  const ordered: PlannedTask[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (task: PlannedTask): boolean => {
    if (state.get(task.key) === 'done') return true;
    if (state.get(task.key) === 'visiting') return false;
    state.set(task.key, 'visiting');
    for (const key of task.blocked_by) if (!visit(byKey.get(key)!)) return false;
    state.set(task.key, 'done');
    ordered.push(task);
    return true;
  };
  for (const task of plan.tasks) if (!visit(task)) return null;
  return ordered;
}
