/**
 * What the backends share for their credential checks and for pointing a CLI at an endpoint the user
 * chose: the key comes from the variable the role names, or, for a gateway that needs none, a placeholder
 * the CLI accepts.
 */
import type { CredentialCheck, ModelEndpoint } from '../types.ts';

/** Given to a CLI that insists on a key when the user's endpoint needs none (a local Ollama, say). */
export const NO_KEY = 'workhorse-no-key';

export function anySet(env: Readonly<Record<string, string>>, names: readonly string[]): boolean {
  return names.some((name) => (env[name] ?? '') !== '');
}

/** The problem with an endpoint's key: the role names a variable Workhorse's environment lacks. */
export function endpointKeyProblem(cli: string, check: CredentialCheck, keyVariable: string): string | null {
  const wanted = check.endpoint?.apiKeyEnv;
  if (!wanted || anySet(check.env, [keyVariable])) return null;
  return `${cli}: the role's apiKeyEnv names ${wanted}, which is not set in Workhorse's environment`;
}

/** The CLI's key variable set from the endpoint's key variable, or to the placeholder when it has none. */
export function endpointKey(
  endpoint: ModelEndpoint,
  keyVariable: string,
): { env: Record<string, string>; keysFrom: Record<string, string> } {
  return endpoint.apiKeyEnv
    ? { env: {}, keysFrom: { [keyVariable]: endpoint.apiKeyEnv } }
    : { env: { [keyVariable]: NO_KEY }, keysFrom: {} };
}

/** A base URL without its trailing slash, so `${url}/chat/completions` is well formed. */
export function trimmedUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
