/**
 * Runs a CLI action: a known error prints one line and exits non-zero; never a stack trace to a user.
 */

import { InvalidArgumentError } from 'commander';
import { TOKEN_ROLES, type TokenRole } from '../domain/access.ts';
import { isAppError } from '../errors/app-error.ts';
import { UserError } from '../errors/user-error.ts';

export function fail(error: unknown): never {
  if (isAppError(error)) {
    process.stderr.write(`wh: ${error.message} (${error.code})\n`);
    process.exit(1);
  }
  if (error instanceof UserError) {
    process.stderr.write(`wh: ${error.message}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`wh: unexpected error: ${message}\n`);
  if (process.env.WH_DEBUG) console.error(error);
  process.exit(1);
}

/** What an action tells the runner: a server keeps the process alive; anything else exits 0 when done. */
export type ActionOutcome = 'keep-running' | 'done';

export async function runCommand(action: () => Promise<ActionOutcome>): Promise<void> {
  try {
    const outcome = await action();
    if (outcome !== 'keep-running') process.exit(0);
  } catch (error) {
    fail(error);
  }
}

export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1');
  return parsed;
}

export function parseTokenRole(value: string): TokenRole {
  if (!(TOKEN_ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${TOKEN_ROLES.join(', ')}`);
  return value as TokenRole;
}
