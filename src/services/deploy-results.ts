/**
 * What an approved run's deploy job changes, applied in its completing (lease-fenced) transaction: the run
 * is deployed, with the commit it was released as; or its deploy failed, and a finding and a fix task from
 * the deploy's output send it back to building (after the fix it is tested and approved again).
 */
import type { Tx } from '../db/client.ts';
import { findings } from '../db/schema.ts';
import type { DeployWith, ReleaseMode } from '../domain/release.ts';
import type { ServiceContext } from './context.ts';
import type { OutcomeEvent } from './events.ts';
import { insertTask } from './steps/insert-task.ts';
import type { Job } from './steps/jobs.ts';
import { loadRun } from './steps/load.ts';
import { enterPhase } from './steps/phases.ts';

export interface DeployOutcome {
  releaseMode: ReleaseMode;
  /** The merge commit on the default branch, or the pushed head; null when nothing was released. */
  releasedCommit: string | null;
  deployedWith: DeployWith;
  /** The deploy command that ran (null when the cicd agent deployed, or there was nothing to run). */
  command: string | null;
  exitCode: number | null;
  ok: boolean;
  /** The end of the deploy's output: what a fix task needs to know. */
  outputTail: string;
}

export async function applyDeployResult(
  tx: Tx,
  ctx: ServiceContext,
  job: Job,
  outcome: DeployOutcome,
): Promise<OutcomeEvent> {
  const run = await loadRun(tx, job.runId);
  const common = {
    release_mode: outcome.releaseMode,
    released_commit: outcome.releasedCommit,
    deployed_with: outcome.deployedWith,
    command: outcome.command,
    exit_code: outcome.exitCode,
  };
  const subjects = { projectId: run.projectId, runId: run.id };
  const released = outcome.releasedCommit ? { releasedCommit: outcome.releasedCommit } : {};
  if (outcome.ok) {
    await enterPhase(tx, ctx.actor, run, 'deployed', released);
    return { ...subjects, type: 'run.deployed', payload: common };
  }
  const building = await enterPhase(tx, ctx.actor, run, 'building', released);
  const what = outcome.command ? `\`${outcome.command}\`` : 'the cicd agent';
  const { task } = await insertTask(tx, ctx, building, {
    title: `Fix the failed deploy: ${what} exited ${outcome.exitCode ?? 'without a code'}`.slice(0, 300),
    description: `Deploying run ${run.id} (${run.branch}) failed: ${what} exited ${outcome.exitCode ?? 'without a code'}. Its output ended with:\n\n${outcome.outputTail}`,
    priority: 10,
    source: 'finding',
  });
  const [finding] = await tx
    .insert(findings)
    .values({
      runId: run.id,
      taskId: null,
      jobId: job.id,
      source: 'gate',
      severity: 'high',
      issue: `the deploy of run ${run.id} failed: ${what} exited ${outcome.exitCode ?? 'without a code'}`,
      recommendation: outcome.outputTail.slice(-2000),
      fixTaskId: task.id,
    })
    .returning({ id: findings.id });
  return {
    ...subjects,
    type: 'run.deploy_failed',
    payload: { ...common, finding_id: finding!.id, fix_task_id: task.id },
  };
}
