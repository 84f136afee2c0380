/**
 * The one place agents are run: in the task's worktree, with an allowlisted environment, a wall-clock
 * timeout (then SIGTERM, then SIGKILL of the whole process tree), an abort signal (cancel, lost lease,
 * shutdown), and output parsed into normalized events as it arrives.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { isSecretName } from '../domain/redaction.ts';
import { type ConfinedProcess, type Confinement, confine } from './confinement.ts';
import { agentEnvironment, createRedactor, secretValues } from './environment.ts';
import { findExecutable } from './executables.ts';
import { killTree } from './process-tree.ts';
import type { AgentBackend, AgentEvent, AgentInvocation, AgentSummary, CommandLine } from './types.ts';

/** The agent could not be started as configured (no credentials, ...): retrying cannot help. */
export class AgentSetupError extends Error {
  override name = 'AgentSetupError';
}

export interface RunAgentOptions {
  backend: AgentBackend;
  invocation: AgentInvocation;
  /** The executable; the backend's default name on PATH when absent. */
  binary?: string | null;
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** Variables the project explicitly passes to its agents. */
  passEnv?: readonly string[];
  hostEnv?: NodeJS.ProcessEnv;
  /**
   * How the process is confined: its private home, and the sandbox around it. Absent, it runs in
   * `invocation.cwd` with the host's HOME (the backends' own tests).
   */
  confinement?: Confinement | null;
  /** Output, already scrubbed of the agent's secrets. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  onEvent?: (event: AgentEvent) => void;
  /** How long a SIGTERM'd agent gets before SIGKILL. */
  killGraceMs?: number;
}

export interface AgentRunResult {
  summary: AgentSummary;
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The end of stderr, scrubbed: what a person needs to see when a CLI fails before it says anything. */
  stderrTail: string;
}

const TAIL_CHARS = 4000;

/**
 * The environment the agent gets. With an endpoint the user chose, the CLI's own provider keys stay out:
 * the endpoint gets only its own key, never the user's key for another provider.
 */
function environmentFor(options: RunAgentOptions, line: CommandLine): Record<string, string> {
  const host = options.hostEnv ?? process.env;
  const backendKeys = options.invocation.endpoint
    ? options.backend.envKeys.filter((key) => !isSecretName(key))
    : options.backend.envKeys;
  const fromKeys: Record<string, string> = {};
  for (const [target, source] of Object.entries(line.keysFrom ?? {})) {
    const value = host[source];
    if (value) fromKeys[target] = value;
  }
  return {
    ...agentEnvironment({
      host,
      backendKeys: [...backendKeys, ...(line.passKeys ?? [])],
      projectKeys: options.passEnv ?? [],
      fixed: line.env,
    }),
    ...fromKeys,
  };
}

function unconfined(line: CommandLine, env: Record<string, string>): ConfinedProcess {
  const home = env.HOME ?? '';
  const file = (rel: string) => (home ? join(home, rel) : '');
  return {
    command: line.command,
    args: line.args,
    env: { HOME: home, TMPDIR: env.TMPDIR ?? '/tmp' },
    hasHomeFile: (rel) => home !== '' && existsSync(file(rel)),
    readHomeFile: (rel) => (home && existsSync(file(rel)) ? readFileSync(file(rel), 'utf8') : null),
    cleanup: () => {},
  };
}

export async function runAgent(options: RunAgentOptions): Promise<AgentRunResult> {
  const { backend, invocation } = options;
  const confined = Boolean(options.confinement?.bwrap);
  const line = backend.commandLine({ ...invocation, confined }, options.binary ?? backend.defaultBinary);
  const env = environmentFor(options, line);
  const executable = findExecutable(line.command, env.PATH ?? '');
  if (!executable) {
    throw new AgentSetupError(
      `${backend.name}: ${line.command || 'no program'} is not installed here (not found on PATH ${env.PATH ?? '(unset)'}); install it, or set the role's binary`,
    );
  }
  // The program itself is shown read-only wherever it lives (a role's binary may sit in a hidden /tmp).
  const launch = options.confinement
    ? confine(
        {
          ...options.confinement,
          programDirs: [...options.confinement.programDirs, realpathSync(executable)],
        },
        backend.home,
        line.homeFiles ?? {},
        line.command,
        line.args,
      )
    : unconfined(line, env);
  try {
    const problem = backend.credentialProblem({
      env,
      hasHomeFile: launch.hasHomeFile,
      readHomeFile: launch.readHomeFile,
      endpoint: invocation.endpoint ?? null,
      model: invocation.model,
    });
    if (problem) throw new AgentSetupError(problem);
    return await spawnAgent(options, line, { ...env, ...launch.env }, launch);
  } finally {
    launch.cleanup();
  }
}

async function spawnAgent(
  options: RunAgentOptions,
  line: CommandLine,
  env: Record<string, string>,
  launch: ConfinedProcess,
): Promise<AgentRunResult> {
  const { backend, invocation } = options;
  const secrets = secretValues(env);
  const parser = backend.createParser();
  const started = Date.now();
  let stderrTail = '';
  let pending = '';

  const child = execa(launch.command, launch.args, {
    cwd: invocation.cwd,
    env,
    extendEnv: false,
    input: line.stdin ?? '',
    detached: true,
    reject: false,
    stripFinalNewline: false,
    buffer: false,
    encoding: 'utf8',
  });

  const emit = (events: AgentEvent[]) => {
    for (const event of events) options.onEvent?.(event);
  };
  const onStdout = (chunk: string) => {
    if (!chunk) return;
    options.onOutput?.(chunk, 'stdout');
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) if (text.trim()) emit(parser.line(text));
  };
  const onStderr = (chunk: string) => {
    if (!chunk) return;
    options.onOutput?.(chunk, 'stderr');
    stderrTail = (stderrTail + chunk).slice(-TAIL_CHARS);
  };
  const stdout = createRedactor(secrets);
  const stderr = createRedactor(secrets);
  child.stdout?.on('data', (data: Buffer | string) => onStdout(stdout.push(String(data))));
  child.stderr?.on('data', (data: Buffer | string) => onStderr(stderr.push(String(data))));

  let timedOut = false;
  let aborted = false;
  let stopping: Promise<void> | null = null;
  const graceMs = options.killGraceMs ?? 5000;
  const stop = () => {
    if (child.pid !== undefined) stopping ??= killTree(child.pid, graceMs);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutSeconds * 1000);
  const onAbort = () => {
    aborted = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  // The agent is done: whatever it left running (a server, a watcher) goes too. Leftovers that still hold
  // its stdout would otherwise keep the run open until the timeout.
  child.once('exit', () => {
    clearTimeout(timer);
    stop();
  });

  const finished = await child;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  await stopping;
  onStdout(stdout.end());
  onStderr(stderr.end());
  if (pending.trim()) emit(parser.line(pending));

  const exitCode = finished.exitCode ?? null;
  const killed = timedOut || aborted || exitCode === null;
  const summary = parser.finish(killed ? null : exitCode);
  if (timedOut)
    summary.error = `timed out after ${options.timeoutSeconds} s (LLM_TIMEOUT); the agent was stopped`;
  else if (aborted) summary.error = 'stopped: the job was cancelled or its lease was lost';
  else if (exitCode === null)
    summary.error = `could not run ${line.command}: ${finished.originalMessage ?? finished.message}`;
  if (killed) summary.ok = false;
  return { summary, exitCode, timedOut, aborted, durationMs: Date.now() - started, stderrTail };
}
