/**
 * The deploy job of an approved run, in the run's worktree reset to its branch (clean): first the release
 * step the project chose (merge into the default branch, push, or none; see release.ts), then the project's
 * deploy command, confined like every project command, or the `cicd` role's agent when the project says so.
 * The job's log streams both. Evidence decides: the command's exit code, or the agent's clean exit and a
 * `deploy_report.json` of success whose every step exited 0.
 */

import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { deployDirProblem, type Release, resolveRelease } from '../../domain/release.ts';
import { deployReportSchema } from '../../domain/reports.ts';
import { approvedDeploy } from '../../services/approvals.ts';
import { applyDeployResult, type DeployOutcome } from '../../services/deploy-results.ts';
import { loadWorkContext, type WorkContext } from '../../services/work-context.ts';
import { inCheckout, type Repository } from '../git.ts';
import { type JobHandler, type JobRunContext, PermanentJobError } from '../handler.ts';
import { JobLogWriter } from '../job-log.ts';
import { withIntegrationWorktree } from '../merge.ts';
import { runProjectCommand } from '../project-command.ts';
import { releaseRun } from '../release.ts';
import { loadReport } from '../report-file.ts';
import { isLocalPath, localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext, runAgentForJob, usageOf } from '../run-agent-for-job.ts';
import { clearStaleGitLocks, ensureRunBranch, ensureRunWorktree } from '../worktrees.ts';

const REPORT_FILE = 'deploy_report.json';

export function createDeployHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    const { project } = context;
    const runBranch = context.run.branch!;
    const release = resolveRelease(project.settings.release);
    // Refused before anything is released: a deploy that cannot run must not merge first.
    const writable = deployFolders(release, options.workspace);
    const repo = await localRepository(project.id, project.repository, options.workspace);
    await ensureRunBranch(repo, runBranch, project.defaultBranch);
    const result = await withIntegrationWorktree(options.workspace, runBranch, async () => {
      const worktree = await ensureRunWorktree(repo, options.workspace, runBranch);
      clearStaleGitLocks(repo, worktree, [runBranch]);
      await inCheckout(worktree, ['reset', '--hard', '-q', runBranch]);
      await inCheckout(worktree, ['clean', '-fdq']);
      const log = new JobLogWriter(run.db, run.lease, run.workerId);
      let releasedCommit: string | null;
      try {
        releasedCommit = await releaseRun(
          {
            repo,
            workspace: options.workspace,
            runBranch,
            defaultBranch: project.defaultBranch,
            remoteRepository: !isLocalPath(project.repository),
            goal: context.run.goal,
          },
          release,
          (line) => log.write(`[workhorse] ${line}\n`),
        );
      } finally {
        await log.close();
      }
      const work = { run, context, cwd: worktree.path, repo, options, releasedCommit, writable };
      return release.deployWith === 'agent'
        ? deployWithAgent(work, await inCheckout(worktree, ['rev-parse', 'HEAD']))
        : deployWithCommand(work);
    });
    const outcome: DeployOutcome = { releaseMode: release.mode, ...result.outcome };
    return {
      report: { deploy: outcome },
      usage: result.usage,
      apply: (tx, job) => applyDeployResult(tx, resultContext(run, options), job, outcome),
    };
  };
}

type Deployed = { outcome: Omit<DeployOutcome, 'releaseMode'>; usage: DeployUsage };
type DeployUsage = ReturnType<typeof usageOf> | { exitCode: number | null };

/** One deploy's work: the job, what it is about, the clean worktree it runs in, what was released. */
interface DeployWork {
  run: JobRunContext;
  context: WorkContext;
  cwd: string;
  repo: Repository;
  options: AgentWorkOptions;
  releasedCommit: string | null;
  /** Folders outside the worktree the deploy command may write (the project's deploy folder). */
  writable: string[];
}

/** Where `path` will be once made: its nearest existing folder's real path, and the rest of it. */
function realPathToBe(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  while (!existsSync(existing)) existing = dirname(existing);
  return join(realpathSync(existing), relative(existing, absolute));
}

/** The project's deploy folder, checked against the data folder, then made; none when it has none. */
function deployFolders(release: Release, workspace: string): string[] {
  if (!release.deployDir) return [];
  // Real paths: a symlink must not lead the writable folder into the hidden data folder. Checked before
  // it is made, so a refused folder is not left behind.
  const problem = deployDirProblem(realPathToBe(release.deployDir), realpathSync(workspace));
  if (problem) throw new PermanentJobError(problem);
  mkdirSync(release.deployDir, { recursive: true });
  return [realpathSync(release.deployDir)];
}

async function deployWithCommand({
  run,
  context,
  cwd,
  repo,
  options,
  releasedCommit,
  writable,
}: DeployWork): Promise<Deployed> {
  const command = context.project.deployCommand;
  const log = new JobLogWriter(run.db, run.lease, run.workerId);
  try {
    if (!command) {
      log.write('[workhorse] the project has no deploy command: the release is the deploy\n');
      const outcome = { releasedCommit, deployedWith: 'command' as const, command: null, exitCode: null };
      return { outcome: { ...outcome, ok: true, outputTail: '' }, usage: { exitCode: null } };
    }
    log.write(`[workhorse] deploy: ${command}\n`);
    const gate = await runProjectCommand(
      { options, context, repo, signal: run.signal },
      'deploy',
      command,
      cwd,
      {
        onOutput: (chunk) => log.write(chunk),
        writable,
      },
    );
    log.write(`\n[workhorse] deploy exited ${gate.exitCode ?? 'without a code'}\n`);
    return {
      outcome: {
        releasedCommit,
        deployedWith: 'command',
        command,
        exitCode: gate.exitCode,
        ok: gate.ok,
        outputTail: gate.outputTail,
      },
      usage: { exitCode: gate.exitCode },
    };
  } finally {
    await log.close();
  }
}

async function deployWithAgent(
  { run, context, cwd, repo, options, releasedCommit }: DeployWork,
  head: string,
): Promise<Deployed> {
  const approval = await approvedDeploy(run.db, context.run.id);
  const section = [
    '## Deployment',
    `- Run: ${context.run.id} (${context.run.goal})`,
    `- Branch: ${context.run.branch}, commit to deploy: ${head}`,
    releasedCommit ? `- Released as: ${releasedCommit}` : '- Released: not by Workhorse (release mode none)',
    approval
      ? `- Approval: ${approval.id}, approved by ${approval.decidedBy} at ${approval.decidedAt?.toISOString()} for this run`
      : '- Approval: none found',
    `- Deploy command: ${context.project.deployCommand ?? '(none configured)'}`,
  ].join('\n');
  const agent = await runAgentForJob(run, context, cwd, repo, options, { appendix: section });
  const report = loadReport(deployReportSchema, cwd, REPORT_FILE);
  const failedStep = report.ok ? report.value.steps.find((step) => step.exit_code !== 0) : undefined;
  const ok =
    agent.result.summary.ok && report.ok && report.value.status === 'success' && failedStep === undefined;
  const why = !agent.result.summary.ok
    ? `the agent failed: ${agent.result.summary.error}`
    : !report.ok
      ? report.error
      : failedStep
        ? `step \`${failedStep.command}\` exited ${failedStep.exit_code}`
        : report.value.summary;
  return {
    outcome: {
      releasedCommit,
      deployedWith: 'agent',
      command: null,
      exitCode: agent.result.exitCode,
      ok,
      outputTail: `${why}\n\n${agent.result.summary.finalText}`.slice(-3000),
    },
    usage: usageOf(agent),
  };
}
