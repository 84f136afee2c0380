/**
 * Runs a CLI action: a known error prints one line and exits non-zero; never a stack trace to a user.
 */

import { InvalidArgumentError } from 'commander';
import { TOKEN_ROLES, type TokenRole } from '../domain/access.ts';
import { isAppError } from '../errors/app-error.ts';
import { UserError } from '../errors/user-error.ts';
import { ApiFailure } from './api-failure.ts';

export function fail(error: unknown): never {
  if (error instanceof ApiFailure) {
    process.stderr.write(`wh: ${error.message} (${error.code})\n`);
    process.exit(1);
  }
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
    // process.exitCode: a command that printed its answer may still report a failure (wh doctor, wh status).
    if (outcome !== 'keep-running') process.exit();
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

export function parseCount(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed))
    throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

/** An id as the API takes it: a whole number from 1 to 2^31 - 1. */
export function parseId(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 2_147_483_647)
    throw new InvalidArgumentError('expected an id (a whole number from 1)');
  return parsed;
}

export function parseTokenRole(value: string): TokenRole {
  if (!(TOKEN_ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${TOKEN_ROLES.join(', ')}`);
  return value as TokenRole;
}
