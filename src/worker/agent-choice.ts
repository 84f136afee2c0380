/**
 * Which agent runs a job: the project's setting for the role, else the role config's, else goose (the
 * predecessor's default). Timeouts default to LLM_TIMEOUT.
 */
import { backendNamed } from '../agents/backends/index.ts';
import type { AgentBackend, ModelEndpoint } from '../agents/types.ts';
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

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

/** An endpoint's key variable comes from where its URL does, so the two always belong together. */
function endpointOf(...sources: { baseUrl?: unknown; apiKeyEnv?: unknown }[]): ModelEndpoint | null {
  for (const source of sources) {
    const baseUrl = text(source.baseUrl);
    if (baseUrl) return { baseUrl, apiKeyEnv: text(source.apiKeyEnv) };
  }
  return null;
}

export function chooseAgent(context: WorkContext, llmTimeoutSeconds: number): AgentChoice {
  const projectRole = context.project.settings.roles?.[context.job.role] ?? {};
  const roleSettings = context.roleConfig?.settings ?? {};
  const name = text(projectRole.backend) ?? text(roleSettings.backend) ?? 'goose';
  return {
    backend: backendNamed(name),
    binary: text(projectRole.binary) ?? text(roleSettings.binary),
    model: text(projectRole.model) ?? text(roleSettings.model),
    timeoutSeconds:
      positive(projectRole.timeoutSeconds) ?? positive(roleSettings.timeoutSeconds) ?? llmTimeoutSeconds,
    passEnv: context.project.settings.passEnv ?? [],
    endpoint: endpointOf(projectRole, roleSettings),
  };
}
