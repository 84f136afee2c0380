/**
 * Which agent runs a job: the project's setting for the role, else the role config's, else goose (see
 * resolveAgentSettings). Timeouts default to LLM_TIMEOUT.
 */
import { backendNamed } from '../agents/backends/index.ts';
import type { AgentBackend, ModelEndpoint } from '../agents/types.ts';
import { resolveAgentSettings } from '../domain/agent-settings.ts';
import type { WorkContext } from '../services/work-context.ts';

export interface AgentChoice {
  backend: AgentBackend;
  binary: string | null;
  model: string | null;
  timeoutSeconds: number;
  passEnv: string[];
  /** The model endpoint the user chose for this role, or null for the CLI's own provider. */
  endpoint: ModelEndpoint | null;
}

export function chooseAgent(context: WorkContext, llmTimeoutSeconds: number): AgentChoice {
  const settings = resolveAgentSettings(
    context.project.settings.roles?.[context.job.role] ?? {},
    context.roleConfig?.settings ?? {},
  );
  return {
    backend: backendNamed(settings.backend),
    binary: settings.binary,
    model: settings.model,
    timeoutSeconds: settings.timeoutSeconds ?? llmTimeoutSeconds,
    passEnv: context.project.settings.passEnv ?? [],
    endpoint: settings.endpoint,
  };
}
