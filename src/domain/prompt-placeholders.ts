/**
 * The `{{...}}` placeholders a role prompt may use, and the ones a role's prompt must keep: without them the
 * agent never sees what it is asked to do (the PM the run's goal, a stage agent its task, DEV the findings
 * that sent the task back), yet the prompt would still save and run.
 */
import type { RoleName } from './roles.ts';

export const PROMPT_PLACEHOLDERS = Object.freeze([
  'goal',
  'task.title',
  'task.description',
  'task.acceptance',
  'findings',
  'director_notes',
  'project.test_command',
] as const);

export type PromptPlaceholder = (typeof PROMPT_PLACEHOLDERS)[number];

const TASK: readonly PromptPlaceholder[] = ['task.title', 'task.description'];

const REQUIRED: Readonly<Partial<Record<RoleName, readonly PromptPlaceholder[]>>> = {
  pm: ['goal'],
  dev: [...TASK, 'findings'],
  qa: TASK,
  sec: TASK,
  docs: TASK,
};

/** `{{ name }}` as the prompt builder reads it. */
export const PLACEHOLDER_PATTERN = /\{\{\s*([\w.]+)\s*\}\}/g;

export function requiredPlaceholders(role: string): readonly PromptPlaceholder[] {
  return REQUIRED[role as RoleName] ?? [];
}

/**
 * A name in Workhorse's namespaces that is not a placeholder is a typo (`{{task.titel}}`); any other
 * `{{...}}`, like a CI workflow's `${{ secrets.TOKEN }}` quoted in a prompt, is the prompt's own text.
 */
const NAMESPACES = new Set(PROMPT_PLACEHOLDERS.map((name) => name.split('.')[0]!));

function isTypo(name: string): boolean {
  return !(PROMPT_PLACEHOLDERS as readonly string[]).includes(name) && NAMESPACES.has(name.split('.')[0]!);
}

function usedPlaceholders(prompt: string): Set<string> {
  return new Set([...prompt.matchAll(PLACEHOLDER_PATTERN)].map((match) => match[1]!));
}

/** What is wrong with a role's prompt: each a sentence a person can act on; none when it is fine. */
export function placeholderProblems(role: string, prompt: string): string[] {
  const used = usedPlaceholders(prompt);
  const problems = requiredPlaceholders(role)
    .filter((name) => !used.has(name))
    .map(
      (name) => `the ${role} prompt must contain {{${name}}}: without it the agent never sees ${WHAT[name]}`,
    );
  for (const name of [...used].filter(isTypo))
    problems.push(
      `{{${name}}} is not a placeholder; the placeholders are ${PROMPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    );
  return problems;
}

const WHAT: Readonly<Record<PromptPlaceholder, string>> = {
  goal: "the run's goal",
  'task.title': "its task's title",
  'task.description': "its task's description",
  'task.acceptance': "its task's acceptance criteria",
  findings: 'the findings that sent the task back',
  director_notes: "the Director's notes",
  'project.test_command': "the project's test command",
};
