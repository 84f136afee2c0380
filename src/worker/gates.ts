/**
 * Deterministic gates: the project's own commands (test, lint, build) run in the worktree. They get the same
 * allowlisted environment an agent gets, never the server's secrets.
 */
import { execa } from 'execa';
import { agentEnvironment } from '../agents/environment.ts';
import type { GateResult } from '../domain/verdict.ts';

const TAIL_CHARS = 3000;

export interface GateOptions {
  cwd: string;
  timeoutSeconds: number;
  passEnv: readonly string[];
  signal?: AbortSignal;
  hostEnv?: NodeJS.ProcessEnv;
}

export async function runGate(name: string, command: string, options: GateOptions): Promise<GateResult> {
  const result = await execa(command, {
    shell: true,
    cwd: options.cwd,
    env: agentEnvironment({
      host: options.hostEnv ?? process.env,
      backendKeys: [],
      projectKeys: options.passEnv,
      fixed: { CI: 'true' },
    }),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: options.timeoutSeconds * 1000,
    forceKillAfterDelay: 5000,
    cancelSignal: options.signal,
    stdin: 'ignore',
  });
  const output = result.all ?? '';
  return {
    name,
    command,
    ok: result.exitCode === 0,
    exitCode: result.exitCode ?? null,
    outputTail: (result.timedOut ? `${output}\n[timed out after ${options.timeoutSeconds} s]` : output).slice(
      -TAIL_CHARS,
    ),
  };
}
