// The role prompts and settings loaded into `role_configs` on first start. The prompts are
// Markdown files next to this module so they can be read and reviewed as prose.
import { readFileSync } from 'node:fs';

export const ROLE_NAMES = ['pm', 'dev', 'qa', 'sec', 'docs', 'director', 'cicd'] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

export interface DefaultRoleConfig {
  role: RoleName;
  prompt: string;
  settings: {
    backend: string;
    model: string | null;
    /** null means use LLM_TIMEOUT. */
    timeoutSeconds: number | null;
    /** The file the role writes at the worktree root; null when the role writes none. */
    reportFile: string | null;
  };
}

const REPORT_FILES: Readonly<Record<RoleName, string | null>> = {
  pm: 'tasks.json',
  dev: null,
  qa: 'bugs.json',
  sec: 'security_report.json',
  docs: 'docs_report.json',
  director: 'director_report.json',
  cicd: 'deploy_report.json',
};

function readPrompt(role: RoleName): string {
  return readFileSync(new URL(`./role-prompts/${role}.md`, import.meta.url), 'utf8');
}

export function loadDefaultRoleConfigs(): DefaultRoleConfig[] {
  return ROLE_NAMES.map((role) => ({
    role,
    prompt: readPrompt(role),
    settings: { backend: 'goose', model: null, timeoutSeconds: null, reportFile: REPORT_FILES[role] },
  }));
}
