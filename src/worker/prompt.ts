/**
 * Builds an agent's prompt from its role's active prompt (from the database) and the work at hand: the run's
 * goal, the task, the findings that sent it back, and the Director's notes for it; and, for DEV, the
 * conflicts of the run branch merged into its worktree that it has to resolve first.
 */
import { PLACEHOLDER_PATTERN, type PromptPlaceholder } from '../domain/prompt-placeholders.ts';

export interface PromptFinding {
  severity: string;
  issue: string;
  file: string | null;
  line: number | null;
  recommendation: string;
  source: string;
}

export interface PromptInput {
  rolePrompt: string;
  goal: string;
  task: { title: string; description: string; acceptance: readonly string[] } | null;
  findings: readonly PromptFinding[];
  directorNotes: readonly string[];
  testCommand: string | null;
  /** A merge of the run branch Workhorse left in the worktree with conflicts; null when there is none. */
  mergeConflicts?: MergeConflicts | null;
}

export interface MergeConflicts {
  runBranch: string;
  files: readonly string[];
}

function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? empty : items.map((item) => `- ${item}`).join('\n');
}

export function formatFindings(findings: readonly PromptFinding[]): string {
  if (findings.length === 0) return 'None.';
  return findings
    .map((finding, index) => {
      const where = finding.file ? ` (${finding.file}${finding.line ? `:${finding.line}` : ''})` : '';
      const fix = finding.recommendation ? `\n   Recommendation: ${finding.recommendation}` : '';
      return `${index + 1}. [${finding.severity}, from ${finding.source}] ${finding.issue}${where}${fix}`;
    })
    .join('\n');
}

export function buildPrompt(input: PromptInput): string {
  const values: Record<PromptPlaceholder, string> = {
    goal: input.goal,
    'task.title': input.task?.title ?? '(no task: this is run-level work)',
    'task.description': input.task?.description || '(no description)',
    'task.acceptance': bullets(input.task?.acceptance ?? [], '(none given)'),
    findings: formatFindings(input.findings),
    director_notes: bullets(input.directorNotes, 'None.'),
    'project.test_command': input.testCommand ?? '(the project has no test command configured)',
  };
  // Unknown placeholders are left as written, so a typo in an edited prompt is visible, not silently empty.
  const prompt = input.rolePrompt.replace(
    PLACEHOLDER_PATTERN,
    (whole, key: string) => values[key as PromptPlaceholder] ?? whole,
  );
  // Appended after the placeholders are filled: every role prompt gets it, an edited one included, and a
  // file name is never read as a placeholder.
  return input.mergeConflicts ? `${prompt}\n\n${conflictSection(input.mergeConflicts)}` : prompt;
}

function conflictSection({ runBranch, files }: MergeConflicts): string {
  return [
    '## Merge conflicts to resolve first',
    '',
    `Workhorse merged the run branch \`${runBranch}\` into this task's branch to bring it up to date with the work of the other tasks, and the merge conflicts. These files hold conflict markers:`,
    '',
    bullets(files, '(none listed)'),
    '',
    "Before anything else, resolve every conflict: edit each file so that it keeps both the run branch's change and this task's, and remove every marker line (`<<<<<<<`, `=======`, `>>>>>>>`). Do not run git to conclude the merge or to commit: Workhorse concludes the merge when it commits your work, and this stage does not pass while a marker remains.",
  ].join('\n');
}
