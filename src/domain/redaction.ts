/**
 * Masking secrets in text that people and other systems read (job logs, events, reports): every known
 * secret value wherever it appears, and anything shaped like a Workhorse API token always, known or not.
 */

export const REDACTED = '[redacted]';

/** Workhorse's API tokens: `wh_` and 32 base64url characters (24 random bytes). */
const TOKEN_SHAPE = /\bwh_[A-Za-z0-9_-]{24,}/g;

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|DATABASE_URL|DSN/i;

/** Whether an environment variable's name says it holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Shorter values are too likely to be ordinary words to mask everywhere. */
export const MIN_SECRET_LENGTH = 8;

/** `secrets` must be ordered longest first, so a secret inside a longer one cannot leave a part showing. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result.replace(TOKEN_SHAPE, REDACTED);
}

/** Every string inside a JSON-like value, redacted; keys are left as they are. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, redactValue(inner, secrets)]),
    ) as T;
  }
  return value;
}

/** The secret parts of a connection URL: its password, and the whole URL (which carries it). */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    const password = decodeURIComponent(parsed.password);
    return [url, ...(password ? [password, parsed.password] : [])];
  } catch {
    return [url];
  }
}
