/**
 * Builds an agent's prompt from its role's active prompt (from the database) and the work at hand: the run's
 * goal, the task, the findings that sent it back, and the Director's notes for it.
 */
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
  const values: Record<string, string> = {
    goal: input.goal,
    'task.title': input.task?.title ?? '(no task: this is run-level work)',
    'task.description': input.task?.description || '(no description)',
    'task.acceptance': bullets(input.task?.acceptance ?? [], '(none given)'),
    findings: formatFindings(input.findings),
    director_notes: bullets(input.directorNotes, 'None.'),
    'project.test_command': input.testCommand ?? '(the project has no test command configured)',
  };
  // Unknown placeholders are left as written, so a typo in an edited prompt is visible, not silently empty.
  return input.rolePrompt.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}
