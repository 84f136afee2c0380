/**
 * What every API command shares: the connection from the global `--url`/`--token` options, the client, and
 * the runner that turns a failure into one line and an exit code. The client (and zod with the contracts)
 * load inside the action, so `wh --help` stays as light as commander.
 */
import type { Command } from 'commander';
import type { ApiClient } from './api-client.ts';
import { resolveConnection } from './connection.ts';
import { parseCount, parsePositiveInt, runCommand } from './run-command.ts';

/** Options every listing takes. */
export interface ListOptions {
  json?: boolean;
  limit?: number;
  offset?: number;
}

export function apiAction(command: Command, action: (client: ApiClient) => Promise<void>): Promise<void> {
  return runCommand(async () => {
    const { ApiClient } = await import('./api-client.ts');
    await action(new ApiClient(resolveConnection(command.optsWithGlobals())));
    return 'done';
  });
}

/** `--json`, `--limit`, `--offset` on a listing command. */
export function listing(command: Command): Command {
  return command
    .option('--json', 'print the API answer as JSON')
    .option('--limit <n>', 'at most this many', parsePositiveInt)
    .option('--offset <n>', 'skip this many first', parseCount);
}
