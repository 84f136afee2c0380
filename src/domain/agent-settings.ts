/**
 * Which agent a role's work runs with: the project's setting for the role, else the role config's, else
 * goose (the predecessor's default). The worker chooses a job's agent by it, and the server checks at start
 * that every agent so configured can start.
 */

/** The backend every role runs with unless a project or role config names another. */
export const DEFAULT_BACKEND = 'goose';

/** A role's agent settings as projects and role configs store them (free-form JSON). */
export interface AgentSettingsSource {
  backend?: unknown;
  binary?: unknown;
  model?: unknown;
  timeoutSeconds?: unknown;
  baseUrl?: unknown;
  apiKeyEnv?: unknown;
}

export interface AgentSettings {
  backend: string;
  binary: string | null;
  model: string | null;
  /** Null: LLM_TIMEOUT applies. */
  timeoutSeconds: number | null;
  /** The model endpoint the user chose for this role, or null for the CLI's own provider. */
  endpoint: { baseUrl: string; apiKeyEnv: string | null } | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

/** An endpoint's key variable comes from where its URL does, so the two always belong together. */
function endpointOf(...sources: AgentSettingsSource[]): AgentSettings['endpoint'] {
  for (const source of sources) {
    const baseUrl = text(source.baseUrl);
    if (baseUrl) return { baseUrl, apiKeyEnv: text(source.apiKeyEnv) };
  }
  return null;
}

export function resolveAgentSettings(
  projectRole: AgentSettingsSource,
  roleSettings: AgentSettingsSource,
): AgentSettings {
  return {
    backend: text(projectRole.backend) ?? text(roleSettings.backend) ?? DEFAULT_BACKEND,
    binary: text(projectRole.binary) ?? text(roleSettings.binary),
    model: text(projectRole.model) ?? text(roleSettings.model),
    timeoutSeconds: positive(projectRole.timeoutSeconds) ?? positive(roleSettings.timeoutSeconds),
    endpoint: endpointOf(projectRole, roleSettings),
  };
}
