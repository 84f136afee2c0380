/**
 * Runs a job's agent in a worktree: prompt from the role config, agent chosen per project and role, confined
 * (see confinement.ts), output streamed to the job's log (fenced by its lease), stopped when the job's
 * signal fires.
 */
import type { Confinement } from '../agents/confinement.ts';
import { type AgentRunResult, AgentSetupError, runAgent } from '../agents/runner.ts';
import type { ServiceContext } from '../services/context.ts';
import type { JobUsage } from '../services/queue/finish-job.ts';
import { markNotesDelivered } from '../services/task-notes.ts';
import type { WorkContext } from '../services/work-context.ts';
import { chooseAgent } from './agent-choice.ts';
import { type ConfinementOptions, confinementFor } from './confinement.ts';
import type { Repository } from './git.ts';
import { type JobRunContext, PermanentJobError } from './handler.ts';
import { JobLogWriter } from './job-log.ts';
import { buildPrompt, type MergeConflicts } from './prompt.ts';

export interface AgentWorkOptions extends ConfinementOptions {
  llmTimeoutSeconds: number;
  /** AUTO_TRIGGER_AGENTS: whether the jobs a result opens are queued or held. */
  autoTriggerAgents: boolean;
}

/** What a job adds to its role's prompt beyond the task: DEV's conflicts to resolve, a deploy's facts. */
export interface PromptExtras {
  mergeConflicts?: MergeConflicts | null;
  /** Work-specific facts appended after the role's prompt (a deploy's run, commit and approval). */
  appendix?: string;
}

export interface AgentJobRun {
  result: AgentRunResult;
  backend: string;
  roleConfigId: number | null;
}

function describeConfinement(confinement: Confinement): string {
  if (!confinement.bwrap) return 'UNCONFINED: no sandbox, as accepted for this installation or project';
  return confinement.network ? 'sandboxed' : 'sandboxed, no network';
}

export async function runAgentForJob(
  run: JobRunContext,
  context: WorkContext,
  cwd: string,
  repo: Repository,
  options: AgentWorkOptions,
  extra: PromptExtras = {},
): Promise<AgentJobRun> {
  const choice = chooseAgent(context, options.llmTimeoutSeconds);
  const confinement = confinementFor(options, context, cwd, repo, 'agent');
  const rolePrompt = buildPrompt({
    rolePrompt: context.roleConfig?.prompt ?? `You are the ${context.job.role} agent.`,
    goal: context.run.goal,
    task: context.task,
    findings: context.findings,
    directorNotes: context.directorNotes,
    testCommand: context.project.testCommand,
    mergeConflicts: extra.mergeConflicts ?? null,
  });
  const prompt = extra.appendix ? `${rolePrompt}\n\n${extra.appendix}` : rolePrompt;
  await recordNotesCarried(run, context, options);
  const log = new JobLogWriter(run.db, run.lease, run.workerId);
  log.write(
    `[workhorse] ${choice.backend.name} as ${context.job.role} in ${cwd} (attempt ${context.job.attempt}; ${describeConfinement(confinement)})\n`,
  );
  if (extra.mergeConflicts)
    log.write(
      `[workhorse] ${extra.mergeConflicts.runBranch} is merged into the worktree with conflicts to resolve first: ${extra.mergeConflicts.files.join(', ')}\n`,
    );
  try {
    const result = await runAgent({
      backend: choice.backend,
      binary: choice.binary,
      invocation: {
        prompt,
        cwd,
        model: choice.model,
        endpoint: choice.endpoint,
        labels: {
          role: context.job.role,
          task: context.task?.title ?? '',
          recipe: context.project.settings.scriptedRecipe ?? '',
        },
      },
      timeoutSeconds: choice.timeoutSeconds,
      signal: run.signal,
      passEnv: choice.passEnv,
      hostEnv: options.hostEnv,
      confinement,
      onOutput: (chunk) => log.write(chunk),
    });
    log.write(
      `\n[workhorse] exit ${result.exitCode ?? 'none'} after ${Math.round(result.durationMs / 1000)} s; ${result.summary.ok ? 'agent reports success' : `agent failed: ${result.summary.error}`}\n`,
    );
    return { result, backend: choice.backend.name, roleConfigId: context.roleConfig?.id ?? null };
  } catch (error) {
    if (!(error instanceof AgentSetupError)) throw error;
    log.write(`[workhorse] not started: ${error.message}\n`);
    throw new PermanentJobError(error.message);
  } finally {
    await log.close();
  }
}

/** The task's notes are in this prompt: later jobs of the task need not carry them again. */
async function recordNotesCarried(
  run: JobRunContext,
  context: WorkContext,
  options: AgentWorkOptions,
): Promise<void> {
  if (context.notes.length === 0 || !context.task) return;
  await markNotesDelivered(
    resultContext(run, options),
    { id: context.job.id, runId: context.run.id, taskId: context.task.id },
    context.notes.map((note) => note.id),
  );
}

/** What a job records of its agent's run, whether the attempt passes or fails. */
export function usageOf(agent: AgentJobRun): JobUsage {
  return {
    backend: agent.backend,
    roleConfigId: agent.roleConfigId,
    exitCode: agent.result.exitCode,
    inputTokens: agent.result.summary.usage.inputTokens,
    outputTokens: agent.result.summary.usage.outputTokens,
    costUsd: agent.result.summary.usage.costUsd,
  };
}

/** The service context a job's result is applied with: the worker acts, the settings decide new jobs. */
export function resultContext(run: JobRunContext, options: AgentWorkOptions): ServiceContext {
  return { db: run.db, settings: { autoTriggerAgents: options.autoTriggerAgents }, actor: run.workerId };
}
