/**
 * The secrets this process knows (its environment's keys and tokens, the admin token, the database
 * password), so that they are masked wherever text leaves for a log, an event or a report, whoever
 * printed them. Registered at start; a value shorter than MIN_SECRET_LENGTH is not worth masking.
 */
import { isSecretName, MIN_SECRET_LENGTH, redactText, redactValue, urlSecrets } from '../domain/redaction.ts';

const known = new Set<string>();
let ordered: string[] = [];

export function registerSecret(value: string | null | undefined): void {
  const trimmed = value?.trim();
  if (!trimmed || trimmed.length < MIN_SECRET_LENGTH || known.has(trimmed)) return;
  known.add(trimmed);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** Every value of a secret-named variable, and the password of every URL among them. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value || !isSecretName(name)) continue;
    for (const secret of /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? urlSecrets(value) : [value])
      registerSecret(secret);
  }
}

export function redactKnown(text: string): string {
  return redactText(text, ordered);
}

export function redactKnownValue<T>(value: T): T {
  return redactValue(value, ordered);
}
