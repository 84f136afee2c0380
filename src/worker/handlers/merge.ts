/**
 * The merge job: a task a person accepted after review (src/domain/review.ts) is merged into its run
 * branch, checked by the project's test command as every merge is (merge.ts). Merged, the task completes;
 * a conflict or red tests send it back to dev with the finding, as a failed last stage would.
 */
import { taskBranchName } from '../../domain/git-names.ts';
import { judgeStage, type StageEvidence } from '../../domain/verdict.ts';
import { applyStageVerdict } from '../../services/stage-results.ts';
import { loadWorkContext, type WorkContext } from '../../services/work-context.ts';
import type { Repository } from '../git.ts';
import { type JobHandler, type JobRunContext, PermanentJobError } from '../handler.ts';
import { type MergeResult, mergeTaskIntoRun } from '../merge.ts';
import { runProjectCommand } from '../project-command.ts';
import { localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext } from '../run-agent-for-job.ts';
import { ensureRunBranch } from '../worktrees.ts';

/** Merges a task branch into its run branch, kept only if the project's tests pass on the result. */
export function mergeWithRunTests(
  run: JobRunContext,
  context: WorkContext,
  repo: Repository,
  taskBranch: string,
  options: AgentWorkOptions,
): Promise<MergeResult> {
  const testCommand = context.project.testCommand;
  const check = testCommand
    ? (cwd: string) =>
        runProjectCommand({ options, context, repo, signal: run.signal }, 'test', testCommand, cwd, {
          label: 'merge-test',
        })
    : undefined;
  return mergeTaskIntoRun(repo, options.workspace, context.run.branch!, taskBranch, check);
}

const NO_AGENT_EVIDENCE: StageEvidence = {
  report: { required: false, file: '', parsed: null, error: null },
  gates: [],
  checks: [],
};

export function createMergeHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    if (!context.task || !context.job.stage || !context.run.branch)
      throw new PermanentJobError('a merge job needs a task, its stage and its run branch');
    const repo = await localRepository(context.project.id, context.project.repository, options.workspace);
    await ensureRunBranch(repo, context.run.branch, context.project.defaultBranch);
    const merged = await mergeWithRunTests(
      run,
      context,
      repo,
      taskBranchName(context.run.branch, context.task.id),
      options,
    );
    const verdict = judgeStage(
      merged.ok ? NO_AGENT_EVIDENCE : { ...NO_AGENT_EVIDENCE, checks: [merged.finding] },
    );
    return {
      report: { verdict, ...(merged.ok ? { merged_head: merged.head } : {}) },
      apply: (tx, job) => applyStageVerdict(tx, resultContext(run, options), job, verdict),
    };
  };
}
