/**
 * The planning job: the PM agent reads the repository at the run's branch and writes tasks.json; the plan is
 * validated (shape, unique keys, known and acyclic dependencies) and becomes the run's tasks. A missing or
 * invalid plan fails the job with the parse error, for a person to see.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { planOrder, planSchema, REPORT_FILES } from '../../domain/reports.ts';
import { applyPlan } from '../../services/plans.ts';
import { loadWorkContext } from '../../services/work-context.ts';
import { JobFailure, type JobHandler } from '../handler.ts';
import { loadReport } from '../report-file.ts';
import { localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext, runAgentForJob, usageOf } from '../run-agent-for-job.ts';
import { detachedRunCheckout, ensureRunBranch } from '../worktrees.ts';
import { failedAgentError } from './agent-failure.ts';

export function createPlanningHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    const repo = await localRepository(context.project.id, context.project.repository, options.workspace);
    await ensureRunBranch(repo, context.run.branch!, context.project.defaultBranch);
    const checkout = await detachedRunCheckout(repo, options.workspace, context.run.branch!, 'planning');
    const file = join(checkout.path, REPORT_FILES.pm);
    rmSync(file, { force: true });
    const agent = await runAgentForJob(run, context, checkout.path, repo, options);
    const usage = usageOf(agent);
    if (!agent.result.summary.ok) throw failedAgentError(agent.result, usage);
    const parsed = loadReport(planSchema, checkout.path, REPORT_FILES.pm);
    rmSync(file, { force: true });
    if (!parsed.ok) throw new JobFailure(`planning failed: ${parsed.error}`, true, usage);
    if (!planOrder(parsed.value))
      throw new JobFailure('planning failed: tasks.json: blocked_by forms a cycle', true, usage);
    const plan = parsed.value;
    return {
      report: { plan },
      usage,
      apply: (tx, job) => applyPlan(tx, resultContext(run, options), job, plan),
    };
  };
}
