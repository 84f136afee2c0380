/** One real CLI run against a fresh scripted model server, cleaned up whatever happens. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliSetup, SetupOptions } from './clis.ts';
import { type CliRun, makeWorkspace, runCli, type Workspace } from './run-cli.ts';
import { startModelServer } from './server.ts';
import type { RecordedRequest, ScriptSource } from './types.ts';

export interface ScriptedRunOptions {
  setup: (ws: Workspace, options: SetupOptions) => CliSetup;
  script: ScriptSource;
  prompt?: string;
  /** The key handed to the CLI; null leaves it unset. Default: a dummy key. */
  apiKey?: string | null;
  /** Make the server answer every model request with this status (e.g. 401). */
  failWith?: number;
  /** Point the CLI at a closed loopback port instead of the server. */
  noServer?: boolean;
  timeoutMs?: number;
  /** Repository files to read after the run (null when absent). */
  read?: string[];
}

export interface ScriptedRun {
  run: CliRun;
  requests: RecordedRequest[];
  files: Record<string, string | null>;
  /** Where the repository was (already removed when this returns). */
  repo: string;
  setup: CliSetup;
}

export const DUMMY_KEY = 'scripted-dummy-key';

/** A port nothing listens on: bound once by a throwaway server, then released. */
async function closedPortUrl(): Promise<string> {
  const probe = await startModelServer([]);
  await probe.close();
  return probe.url;
}

export async function runScripted(options: ScriptedRunOptions): Promise<ScriptedRun> {
  const ws = makeWorkspace();
  const server = await startModelServer(
    options.script,
    options.failWith === undefined ? {} : { failWith: options.failWith },
  );
  try {
    const url = options.noServer ? await closedPortUrl() : server.url;
    const setup = options.setup(ws, {
      url,
      prompt: options.prompt ?? 'Create hello.txt as the task says.',
      apiKey: options.apiKey === undefined ? DUMMY_KEY : options.apiKey,
    });
    const run = await runCli({
      bin: setup.bin,
      args: setup.args,
      cwd: ws.repo,
      env: { ...ws.env, ...setup.env },
      timeoutMs: options.timeoutMs ?? 50_000,
    });
    const files: Record<string, string | null> = {};
    for (const file of options.read ?? []) {
      const full = path.join(ws.repo, file);
      files[file] = existsSync(full) ? readFileSync(full, 'utf8') : null;
    }
    return { run, requests: [...server.requests], files, repo: ws.repo, setup };
  } finally {
    await server.close();
    ws.cleanup();
  }
}

/** What to print when an assertion on a run fails: the exit, the tail of both streams, the requests. */
export function describeRun(result: ScriptedRun): string {
  const { run } = result;
  const requests = result.requests.map(
    (r) => `${r.method} ${r.url} ${r.role} ${r.turn ?? ''} ${r.problem ?? ''}`,
  );
  return [
    `exit=${run.exitCode} signal=${run.signal} timedOut=${run.timedOut} ${run.durationMs}ms`,
    `stdout: ${run.stdout.slice(-3000)}`,
    `stderr: ${run.stderr.slice(-2000)}`,
    `requests:\n${requests.join('\n')}`,
  ].join('\n');
}

export const WRITE_HELLO = [
  { write: { path: 'hello.txt', content: 'hello from the scripted model\n' } },
  { done: 'Wrote hello.txt.' },
] as const;

export const RUN_BASH = [
  { bash: { command: 'echo from-bash > bash.txt' } },
  { done: 'Ran the command.' },
] as const;
