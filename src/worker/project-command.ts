/**
 * A project's own command (test, lint, build, deploy, a pipeline's command stage) run for a job: confined
 * like the job's agent, with the project's passed environment, the job's timeout and its cancel signal.
 */
import type { GateResult } from '../domain/verdict.ts';
import type { WorkContext } from '../services/work-context.ts';
import { confinementFor } from './confinement.ts';
import { runGate } from './gates.ts';
import type { Repository } from './git.ts';
import type { AgentWorkOptions } from './run-agent-for-job.ts';

export interface CommandJob {
  options: AgentWorkOptions;
  context: WorkContext;
  repo: Repository;
  signal: AbortSignal;
}

export function runProjectCommand(
  job: CommandJob,
  name: string,
  command: string,
  cwd: string,
  extra: { label?: string; onOutput?: (chunk: string) => void; writable?: readonly string[] } = {},
): Promise<GateResult> {
  const { options, context, repo, signal } = job;
  return runGate(name, command, {
    cwd,
    timeoutSeconds: options.llmTimeoutSeconds,
    passEnv: context.project.settings.passEnv ?? [],
    signal,
    hostEnv: options.hostEnv,
    // A private home per command: the label tells a stage's commands apart.
    confinement: {
      ...confinementFor(options, context, cwd, repo, extra.label ?? name),
      writable: extra.writable ?? [],
    },
    ...(extra.onOutput ? { onOutput: extra.onOutput } : {}),
  });
}
