/** Starts the terminal view and resolves when the person quits it. */
import { render } from 'ink';
import type { ApiClient } from '../cli/api-client.ts';
import { UserError } from '../errors/user-error.ts';
import { WatchApp } from './WatchApp.tsx';

export async function watch(client: ApiClient, runId?: number): Promise<void> {
  if (!process.stdin.isTTY)
    throw new UserError('wh watch needs a terminal (for a script: wh run show --json)');
  const app = render(<WatchApp client={client} runId={runId} />);
  await app.waitUntilExit();
}
