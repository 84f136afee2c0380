/**
 * The environment an agent gets is an allowlist, never the server's own environment: database URLs, API
 * tokens and every other secret stay out unless the backend needs a key by name or the project passes a
 * variable explicitly.
 */

import { isSecretName, MIN_SECRET_LENGTH } from '../domain/redaction.ts';

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

/**
 * Values of secret-looking variables the agent was given, so that its output can be scrubbed of them
 * before it reaches a log or an event (an agent may echo its own key).
 */
export function secretValues(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env)
    .filter(([key, value]) => isSecretName(key) && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value);
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[redacted]');
  return result;
}

/**
 * Redacts a stream that arrives in chunks: a secret split across two chunks is still caught. The end of
 * each chunk that could be the start of a secret is held back until the next chunk (or `end`) decides.
 */
export function createRedactor(secrets: readonly string[]): { push(chunk: string): string; end(): string } {
  let held = '';
  const heldSuffix = (text: string): number => {
    let keep = 0;
    for (const secret of secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length > keep; length--) {
        if (text.endsWith(secret.slice(0, length))) {
          keep = length;
          break;
        }
      }
    }
    return keep;
  };
  return {
    push(chunk) {
      const text = held + chunk;
      const keep = heldSuffix(text);
      held = text.slice(text.length - keep);
      return redact(text.slice(0, text.length - keep), secrets);
    },
    end() {
      const rest = redact(held, secrets);
      held = '';
      return rest;
    },
  };
}
