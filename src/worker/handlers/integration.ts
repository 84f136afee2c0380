/**
 * The integration test job: the project's test command on the run branch with every task merged. With no
 * test command configured there is nothing to run, and the run is ready for commit on its tasks' evidence.
 * Passing, the run's deploy approval is asked for with the change's summary.
 */

import { applyIntegrationResult } from '../../services/integration-results.ts';
import { loadWorkContext } from '../../services/work-context.ts';
import { inCheckout } from '../git.ts';
import type { JobHandler } from '../handler.ts';
import { withIntegrationWorktree } from '../merge.ts';
import { runProjectCommand } from '../project-command.ts';
import { diffSummary } from '../release.ts';
import { localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext } from '../run-agent-for-job.ts';
import { clearStaleGitLocks, ensureRunBranch, ensureRunWorktree } from '../worktrees.ts';

export function createIntegrationHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    const { project } = context;
    const repo = await localRepository(project.id, project.repository, options.workspace);
    const runBranch = context.run.branch!;
    await ensureRunBranch(repo, runBranch, project.defaultBranch);
    const gate = await withIntegrationWorktree(options.workspace, runBranch, async () => {
      const worktree = await ensureRunWorktree(repo, options.workspace, runBranch);
      clearStaleGitLocks(repo, worktree, [runBranch]);
      await inCheckout(worktree, ['reset', '--hard', '-q', runBranch]);
      await inCheckout(worktree, ['clean', '-fdq']);
      if (!project.testCommand) return null;
      return runProjectCommand(
        { options, context, repo, signal: run.signal },
        'test',
        project.testCommand,
        worktree.path,
      );
    });
    // What a person approving the deploy sees of the change: the run branch against the default branch.
    const diff = await diffSummary(repo, project.defaultBranch, context.run.branch!);
    const ctx = resultContext(run, options);
    return {
      report: { gate, diff },
      usage: { exitCode: gate?.exitCode ?? null },
      apply: (tx, job) => applyIntegrationResult(tx, ctx, job, gate, diff),
    };
  };
}
