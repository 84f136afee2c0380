/**
 * The environment an agent gets is an allowlist, never the server's own environment: database URLs, API
 * tokens and every other secret stay out unless the backend needs a key by name or the project passes a
 * variable explicitly.
 */

/** What any program needs to run at all. */
export const BASE_ENV_KEYS = Object.freeze([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TZ',
  'TMPDIR',
  'TERM',
]);

export interface AgentEnvironmentInput {
  host: NodeJS.ProcessEnv;
  /** The backend's own key and provider variables, passed when set. */
  backendKeys: readonly string[];
  /** Variables a project explicitly passes to its agents. */
  projectKeys: readonly string[];
  /** Settings the backend sets itself (never secrets). */
  fixed: Readonly<Record<string, string>>;
}

export function agentEnvironment(input: AgentEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...BASE_ENV_KEYS, ...input.backendKeys, ...input.projectKeys]) {
    const value = input.host[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...input.fixed };
}

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH/i;

/**
 * Values of secret-looking variables the agent was given, so that its output can be scrubbed of them
 * before it reaches a log or an event (an agent may echo its own key).
 */
export function secretValues(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env)
    .filter(([key, value]) => SECRET_NAME.test(key) && value.length >= 8)
    .map(([, value]) => value);
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[redacted]');
  return result;
}
