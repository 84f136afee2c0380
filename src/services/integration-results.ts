import type { Tx } from '../db/client.ts';
import { findings } from '../db/schema.ts';
import type { DiffSummary } from '../domain/release.ts';
import type { GateResult } from '../domain/verdict.ts';
import type { ServiceContext } from './context.ts';
import type { OutcomeEvent } from './events.ts';
import { requestDeployApproval } from './steps/deploy-approval.ts';
import { insertTask } from './steps/insert-task.ts';
import type { Job } from './steps/jobs.ts';
import { loadRun } from './steps/load.ts';
import { assertPhaseMove, enterPhase } from './steps/phases.ts';

/**
 * The run's test decides: passed, the run is ready for commit and a person is asked at once to approve its
 * deploy (`diff` is what the approval shows of the change); failed, a fix task and back to building.
 */
export async function applyIntegrationResult(
  tx: Tx,
  ctx: ServiceContext,
  job: Job,
  gate: GateResult | null,
  diff: DiffSummary | null,
): Promise<OutcomeEvent> {
  const run = await loadRun(tx, job.runId);
  const passed = gate === null || gate.ok;
  const to = passed ? 'ready_for_commit' : 'building';
  assertPhaseMove(run, to);
  let fixTaskId: number | null = null;
  if (!passed && gate) {
    const { task } = await insertTask(tx, ctx, run, {
      title: `Fix the run's failing tests: \`${gate.command}\``,
      description: `With every task merged, \`${gate.command}\` exits ${gate.exitCode ?? 'without a code'} on ${run.branch}. Its output ended with:\n\n${gate.outputTail}`,
      priority: 10,
      source: 'finding',
    });
    fixTaskId = task.id;
    await tx.insert(findings).values({
      runId: run.id,
      taskId: null,
      jobId: job.id,
      source: 'gate',
      severity: 'high',
      issue: `the integrated run branch fails \`${gate.command}\``,
      recommendation: gate.outputTail.slice(-2000),
      fixTaskId,
    });
  }
  const entered = await enterPhase(tx, ctx.actor, run, to);
  const approval = passed
    ? (
        await requestDeployApproval(tx, ctx, entered, {
          diff,
          test: { command: gate?.command ?? null, exitCode: gate?.exitCode ?? null },
        })
      ).approval
    : null;
  return {
    type: 'run.tested',
    projectId: run.projectId,
    runId: run.id,
    payload: {
      passed,
      from: run.phase,
      to,
      command: gate?.command ?? null,
      exit_code: gate?.exitCode ?? null,
      fix_task_id: fixTaskId,
      approval_id: approval?.id ?? null,
    },
  };
}
