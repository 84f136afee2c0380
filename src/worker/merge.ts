/**
 * Merging a completed task's branch into its run's branch, in the run's integration worktree. Merges of one
 * run are serialized: in this process by a promise chain, between the worker processes of this machine by
 * an OS file lock (they share the data folder, and so the worktree). A conflict is aborted and reported, and
 * the task goes back to dev with it, where the run branch is merged into the task branch for its agent to
 * resolve (catch-up.ts). A clean merge is then checked by the project's test command on the run branch as
 * it now stands: red, the run branch is put back where it was and the task goes back to dev with the failure.
 */
import { join } from 'node:path';
import type { ReportFinding } from '../domain/reports.ts';
import type { GateResult } from '../domain/verdict.ts';
import { withFileLock } from './file-lock.ts';
import { type Checkout, inCheckout, inCheckoutOk, type Repository, unmergedFiles } from './git.ts';
import { clearStaleGitLocks, ensureRunWorktree, worktreePath } from './worktrees.ts';

/** Keyed by the lock file: one process may serve several installations, whose run ids repeat. */
const locks = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(fn);
  locks.set(key, next);
  return next.finally(() => {
    if (locks.get(key) === next) locks.delete(key);
  });
}

export type MergeResult = { ok: true; head: string } | { ok: false; finding: ReportFinding };

/** The project's test command run in a checkout of the merged run branch; null when there is none. */
export type MergeCheck = (cwd: string) => Promise<GateResult | null>;

export function mergeTaskIntoRun(
  repo: Repository,
  workspace: string,
  runBranch: string,
  taskBranch: string,
  check?: MergeCheck,
): Promise<MergeResult> {
  return withIntegrationWorktree(workspace, runBranch, () =>
    merge(repo, workspace, runBranch, taskBranch, check),
  );
}

/**
 * Runs `fn` as the one user of a run's integration worktree, among this process's jobs and this machine's
 * worker processes (merges, and the run's test).
 */
export function withIntegrationWorktree<T>(
  workspace: string,
  runBranch: string,
  fn: () => Promise<T>,
): Promise<T> {
  const lockFile = join(worktreePath(workspace, runBranch, 'integration'), '..', '.integration.lock');
  return serialized(lockFile, () => withFileLock(lockFile, fn));
}

async function merge(
  repo: Repository,
  workspace: string,
  runBranch: string,
  taskBranch: string,
  check: MergeCheck | undefined,
): Promise<MergeResult> {
  const worktree = await ensureRunWorktree(repo, workspace, runBranch);
  // Holding the run's merge lock: a git lock file left here is a killed merge's, not a live one's.
  clearStaleGitLocks(repo, worktree, [runBranch]);
  // Another process may have moved the run branch; the worktree's checkout follows it. What a test run
  // left untracked here would otherwise stop a merge that adds the same path.
  await inCheckout(worktree, ['reset', '--hard', '-q', runBranch]);
  await inCheckout(worktree, ['clean', '-fdq']);
  const before = await inCheckout(worktree, ['rev-parse', 'HEAD']);
  let failure: unknown;
  try {
    await inCheckout(worktree, [
      'merge',
      '--no-ff',
      '--no-edit',
      '-m',
      `wh: merge ${taskBranch}`,
      taskBranch,
    ]);
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) return verifyMerge(worktree, before, runBranch, taskBranch, check);
  const conflicts = await unmergedFiles(worktree);
  await inCheckoutOk(worktree, ['merge', '--abort']);
  // A merge that failed for another reason is Workhorse's problem to show, not the task's to fix.
  if (conflicts.length === 0) throw failure;
  return {
    ok: false,
    finding: {
      severity: 'high',
      issue: `merging ${taskBranch} into ${runBranch} conflicts in ${conflicts.join(', ')}`,
      file: conflicts[0] ?? null,
      line: null,
      // The agent cannot merge (its git folder is read-only): Workhorse does, before the next DEV agent.
      recommendation: `before the next DEV attempt Workhorse merges ${runBranch} into the task branch and leaves the conflicts in the worktree: resolve every conflict marker, keeping both changes, and keep the tests passing`,
    },
  };
}

/** Keeps a clean merge only if the run branch still passes the project's tests with it. */
async function verifyMerge(
  worktree: Checkout,
  before: string,
  runBranch: string,
  taskBranch: string,
  check: MergeCheck | undefined,
): Promise<MergeResult> {
  const gate = check ? await check(worktree.path) : null;
  if (!gate || gate.ok) return { ok: true, head: await inCheckout(worktree, ['rev-parse', 'HEAD']) };
  // The worktree has the run branch checked out: resetting it puts the branch back where it was.
  await inCheckout(worktree, ['reset', '--hard', '-q', before]);
  await inCheckout(worktree, ['clean', '-fdq']);
  return {
    ok: false,
    finding: {
      severity: 'high',
      issue: `with ${taskBranch} merged, ${runBranch} fails \`${gate.command}\` (exit ${gate.exitCode ?? 'none'}); the run branch was left as it was`,
      file: null,
      line: null,
      recommendation: `the task's change breaks what other tasks already merged: make both pass. The test output ended with:\n${gate.outputTail.slice(-1500)}`,
    },
  };
}
