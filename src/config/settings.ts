/**
 * Reads and validates the environment once at start. A bad value stops the process with a message that
 * names the variable, what it got and what it expects.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors/user-error.ts';

const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', ''].includes(v), 'expected true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  AUTO_TRIGGER_AGENTS: booleanFlag.default(false),
  WH_ALLOW_UNSANDBOXED: booleanFlag.default(false),
  WH_WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  LLM_TIMEOUT: z.coerce
    .number({ error: 'expected a number of seconds' })
    .int('expected a whole number of seconds')
    .positive('expected a positive number of seconds')
    .default(600),
  GOOSE_PROVIDER: z.string().trim().min(1).optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/.+/, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  WH_DATA_DIR: z.string().trim().min(1).default('.workhorse'),
  PORT: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, 'expected a port 0-65535')
    .transform(Number)
    .refine((port) => port <= 65535, 'expected a port 0-65535')
    .default(8000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Every variable the settings read: the README's configuration table lists each of them. */
export const SETTINGS_VARIABLES = Object.keys(envSchema.shape);

export interface Settings {
  autoTriggerAgents: boolean;
  /** Run agents unconfined where bubblewrap cannot run (every project); off, they refuse to start. */
  allowUnsandboxed: boolean;
  /** Let webhooks reach private, loopback and link-local addresses (off: refused after DNS resolution). */
  webhookAllowPrivate: boolean;
  llmTimeoutSeconds: number;
  gooseProvider: string | null;
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class SettingsError extends UserError {
  override name = 'SettingsError';
}

/** Empty (or blank) values count as unset, as a shell `FOO= wh serve` means. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1] && entry[1].trim() !== ''),
  );
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${JSON.stringify(env[name])}: ${issue.message}`;
    });
    throw new SettingsError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    autoTriggerAgents: e.AUTO_TRIGGER_AGENTS,
    allowUnsandboxed: e.WH_ALLOW_UNSANDBOXED,
    webhookAllowPrivate: e.WH_WEBHOOK_ALLOW_PRIVATE,
    llmTimeoutSeconds: e.LLM_TIMEOUT,
    gooseProvider: e.GOOSE_PROVIDER ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: resolve(e.WH_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
  };
}
