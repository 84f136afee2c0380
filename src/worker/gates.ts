/**
 * Deterministic gates: the project's own commands (test, lint, build) run in the worktree. They run the code
 * an agent wrote, so they get what an agent gets: the allowlisted environment, never the server's secrets,
 * the same sandbox where there is one, and a timeout or cancel that stops the whole process tree.
 */
import { execa } from 'execa';
import { type ConfinedProcess, type Confinement, confine } from '../agents/confinement.ts';
import { agentEnvironment } from '../agents/environment.ts';
import { killTree } from '../agents/process-tree.ts';
import type { GateResult } from '../domain/verdict.ts';

const NO_HOME_NEEDS = { credentials: [], settings: [] };

const TAIL_CHARS = 3000;

export interface GateOptions {
  cwd: string;
  timeoutSeconds: number;
  passEnv: readonly string[];
  signal?: AbortSignal;
  hostEnv?: NodeJS.ProcessEnv;
  /** Its own private home and sandbox; absent, it runs in `cwd` as it is (tests of the gate itself). */
  confinement?: Confinement | null;
  /** How long a SIGTERM'd gate gets before SIGKILL. */
  killGraceMs?: number;
  /** Its output as it comes (stdout and stderr interleaved), for a job log that streams it. */
  onOutput?: (chunk: string) => void;
}

export async function runGate(name: string, command: string, options: GateOptions): Promise<GateResult> {
  const launch = options.confinement
    ? confine(options.confinement, NO_HOME_NEEDS, {}, '/bin/sh', ['-c', command])
    : null;
  try {
    return await runConfined(name, command, options, launch);
  } finally {
    launch?.cleanup();
  }
}

async function runConfined(
  name: string,
  command: string,
  options: GateOptions,
  launch: ConfinedProcess | null,
): Promise<GateResult> {
  const env = agentEnvironment({
    host: options.hostEnv ?? process.env,
    backendKeys: [],
    projectKeys: options.passEnv,
    fixed: { CI: 'true' },
  });
  const child = execa(launch?.command ?? '/bin/sh', launch?.args ?? ['-c', command], {
    cwd: options.cwd,
    env: { ...env, ...launch?.env },
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
  });
  if (options.onOutput) {
    const forward = options.onOutput;
    child.all?.on('data', (chunk: Buffer) => forward(chunk.toString()));
  }
  let timedOut = false;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    if (child.pid !== undefined) stopping ??= killTree(child.pid, options.killGraceMs ?? 5000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutSeconds * 1000);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop);
  // Whatever the command left running (a server its tests started) goes when it exits.
  child.once('exit', () => {
    clearTimeout(timer);
    stop();
  });
  const result = await child;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', stop);
  await stopping;
  const output = String(result.all ?? '');
  const exitCode = timedOut || options.signal?.aborted ? null : (result.exitCode ?? null);
  return {
    name,
    command,
    ok: exitCode === 0,
    exitCode,
    outputTail: (timedOut ? `${output}\n[timed out after ${options.timeoutSeconds} s]` : output).slice(
      -TAIL_CHARS,
    ),
  };
}
