/**
 * The director review job: the director role's agent reads a snapshot of the run (appended to its prompt)
 * and the run branch in a detached checkout, and writes director_report.json. The report is validated
 * whole: an invalid one fails the job with the reason and applies nothing; a valid one's items are applied
 * as the job's outcome (services/director-review.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { directorReportSchema } from '../../domain/director-report.ts';
import { REPORT_FILES } from '../../domain/reports.ts';
import { applyDirectorReview } from '../../services/director-review.ts';
import { reviewSnapshot } from '../../services/review-snapshot.ts';
import { loadWorkContext } from '../../services/work-context.ts';
import { JobFailure, type JobHandler } from '../handler.ts';
import { loadReport } from '../report-file.ts';
import { localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext, runAgentForJob, usageOf } from '../run-agent-for-job.ts';
import { detachedRunCheckout, ensureRunBranch } from '../worktrees.ts';
import { failedAgentError } from './agent-failure.ts';

export function createDirectorReviewHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    const repo = await localRepository(context.project.id, context.project.repository, options.workspace);
    await ensureRunBranch(repo, context.run.branch!, context.project.defaultBranch);
    const checkout = await detachedRunCheckout(repo, options.workspace, context.run.branch!, 'director');
    const file = join(checkout.path, REPORT_FILES.director);
    rmSync(file, { force: true });
    const snapshot = await reviewSnapshot(run.db, context.run);
    const appendix = `## The run as it stands\n\n\`\`\`json\n${JSON.stringify(snapshot, null, 2)}\n\`\`\``;
    const agent = await runAgentForJob(run, context, checkout.path, repo, options, { appendix });
    const usage = usageOf(agent);
    if (!agent.result.summary.ok) throw failedAgentError(agent.result, usage);
    const parsed = loadReport(directorReportSchema, checkout.path, REPORT_FILES.director);
    rmSync(file, { force: true });
    if (!parsed.ok) throw new JobFailure(`director review failed: ${parsed.error}`, true, usage);
    const report = parsed.value;
    return {
      report,
      usage,
      apply: (tx, job) => applyDirectorReview(tx, resultContext(run, options), job, report),
    };
  };
}
