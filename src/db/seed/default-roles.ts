// The role prompts and settings loaded into `role_configs` on first start. The prompts are
// Markdown files next to this module so they can be read and reviewed as prose.
import { readFileSync } from 'node:fs';
import { reportFileOf } from '../../domain/reports.ts';
import { ROLE_NAMES, type RoleName } from '../../domain/roles.ts';

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

function readPrompt(role: RoleName): string {
  return readFileSync(new URL(`./role-prompts/${role}.md`, import.meta.url), 'utf8');
}

export function loadDefaultRoleConfigs(): DefaultRoleConfig[] {
  return ROLE_NAMES.map((role) => ({
    role,
    prompt: readPrompt(role),
    settings: { backend: 'goose', model: null, timeoutSeconds: null, reportFile: reportFileOf(role) },
  }));
}
