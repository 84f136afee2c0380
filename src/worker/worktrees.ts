/**
 * Each task works on its own branch in its own worktree under the data folder, cut from its run's branch
 * (itself cut from the project's default branch). Nothing is lost when a worktree goes: uncommitted work is
 * first saved as a commit on a WIP ref. Every name comes from domain/git-names.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runWorktreeFolders, taskBranchName } from '../domain/git-names.ts';
import { assertBranchFree } from './branch-holder.ts';
import {
  type Checkout,
  findCheckout,
  inCheckout,
  inRepository,
  inRepositoryOk,
  isDirty,
  type Repository,
} from './git.ts';

/** The worktree `name` (`planning`, `integration`, `task-<id>`) of the run whose branch is `runBranch`. */
export function worktreePath(workspace: string, runBranch: string, name: string): string {
  return join(workspace, 'worktrees', ...runWorktreeFolders(runBranch), name);
}

async function branchExists(repo: Repository, branch: string): Promise<boolean> {
  return inRepositoryOk(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
}

/** The run's branch, cut from the project's default branch the first time it is needed. */
export async function ensureRunBranch(
  repo: Repository,
  runBranch: string,
  defaultBranch: string,
): Promise<void> {
  if (await branchExists(repo, runBranch)) return;
  try {
    await inRepository(repo, ['branch', runBranch, defaultBranch]);
  } catch (error) {
    // The run's first jobs start together: another may have made it between the look and the make.
    if (!(await branchExists(repo, runBranch))) throw error;
  }
}

/**
 * The worktree at `path` on `branch` (made from `base` when new), or with a detached HEAD at `base` when
 * `branch` is null. A folder there that the repository does not know as its worktree is replaced; a branch
 * checked out anywhere else fails the job (PermanentJobError), it is never taken over.
 */
export async function ensureWorktree(
  repo: Repository,
  path: string,
  branch: string | null,
  base: string,
): Promise<Checkout> {
  const known = findCheckout(repo, path);
  if (known) return known;
  rmSync(path, { recursive: true, force: true });
  forgetAdminEntries(repo, path);
  await inRepository(repo, ['worktree', 'prune']);
  mkdirSync(join(path, '..'), { recursive: true });
  if (branch === null) await inRepository(repo, ['worktree', 'add', '--detach', path, base]);
  else if (await branchExists(repo, branch)) {
    await assertBranchFree(repo, branch, path);
    await inRepository(repo, ['worktree', 'add', path, branch]);
  } else await inRepository(repo, ['worktree', 'add', '-b', branch, path, base]);
  const made = findCheckout(repo, path);
  if (!made) throw new Error(`git made no worktree at ${path}`);
  return made;
}

/**
 * The run-level worktree `name` (`planning`, `director`) at the run branch as it stands, detached and clean:
 * its job's lease makes that job its one user, so stale git locks left by a killed run are cleared.
 */
export async function detachedRunCheckout(
  repo: Repository,
  workspace: string,
  runBranch: string,
  name: string,
): Promise<Checkout> {
  const checkout = await ensureWorktree(repo, worktreePath(workspace, runBranch, name), null, runBranch);
  clearStaleGitLocks(repo, checkout, []);
  await inCheckout(checkout, ['checkout', '-q', '--detach', runBranch]);
  await inCheckout(checkout, ['reset', '--hard', '-q']);
  return checkout;
}

/**
 * Removes the repository's records of a worktree at `path` whose folder is gone, even a record still marked
 * "initializing" (a `worktree add` killed half way), which `git worktree prune` would keep and which would
 * then refuse the branch as "already checked out". Only for paths Workhorse owns.
 */
function forgetAdminEntries(repo: Repository, path: string): void {
  const admin = join(repo.gitDir, 'worktrees');
  if (!existsSync(admin)) return;
  const link = join(path, '.git');
  for (const name of readdirSync(admin)) {
    const gitdirFile = join(admin, name, 'gitdir');
    if (existsSync(gitdirFile) && readFileSync(gitdirFile, 'utf8').trim() === link)
      rmSync(join(admin, name), { recursive: true, force: true });
  }
}

/**
 * Removes git's lock files a killed process left on a checkout (its index and HEAD) and on `branches`.
 * Only for a caller that holds the checkout exclusively (a job's lease on its task, the run's merge lock):
 * for anyone else a lock file may be a live git's.
 */
export function clearStaleGitLocks(repo: Repository, checkout: Checkout, branches: readonly string[]): void {
  for (const file of ['index.lock', 'HEAD.lock']) rmSync(join(checkout.gitDir, file), { force: true });
  for (const branch of branches)
    rmSync(join(repo.gitDir, 'refs', 'heads', `${branch}.lock`), { force: true });
}

export interface TaskWorktree extends Checkout {
  branch: string;
  base: string;
}

export async function ensureTaskWorktree(
  repo: Repository,
  workspace: string,
  runBranch: string,
  taskId: number,
): Promise<TaskWorktree> {
  const branch = taskBranchName(runBranch, taskId);
  const path = worktreePath(workspace, runBranch, `task-${taskId}`);
  const checkout = await ensureWorktree(repo, path, branch, runBranch);
  return { ...checkout, branch, base: runBranch };
}

/** The run branch checked out on its own, where task branches are merged and the whole is tested. */
export function ensureRunWorktree(repo: Repository, workspace: string, runBranch: string) {
  return ensureWorktree(repo, worktreePath(workspace, runBranch, 'integration'), runBranch, runBranch);
}

/**
 * Saves every uncommitted change (untracked files included) of task `taskId` as a commit at `ref`, without
 * touching the branch, the index or the files. Returns the ref, or null when there was nothing to save.
 */
export async function saveWip(checkout: Checkout, taskId: number, ref: string): Promise<string | null> {
  if (!(await isDirty(checkout))) return null;
  const index = join(checkout.path, '..', `.wip-index-${ref.replaceAll('/', '-')}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await inCheckout(checkout, ['read-tree', 'HEAD'], { env });
    await inCheckout(checkout, ['add', '-A'], { env });
    const tree = await inCheckout(checkout, ['write-tree'], { env });
    const commit = await inCheckout(checkout, [
      'commit-tree',
      tree,
      '-p',
      'HEAD',
      '-m',
      `wh: work in progress of task ${taskId}, saved at ${ref}`,
    ]);
    await inCheckout(checkout, ['update-ref', ref, commit]);
    return ref;
  } finally {
    rmSync(index, { force: true });
  }
}

/**
 * Puts a worktree back to its last commit, first saving what it held at `ref`. Ignored files (build
 * output, node_modules) stay. Returns the files that were changed, or [] when it was clean.
 */
export async function discardChanges(checkout: Checkout, taskId: number, ref: string): Promise<string[]> {
  const tracked = await inCheckout(checkout, ['diff', '--name-only', 'HEAD']);
  const untracked = await inCheckout(checkout, ['ls-files', '--others', '--exclude-standard']);
  const files = [...tracked.split('\n'), ...untracked.split('\n')].filter(Boolean);
  if (files.length === 0) return [];
  await saveWip(checkout, taskId, ref);
  await inCheckout(checkout, ['reset', '--hard', '-q']);
  await inCheckout(checkout, ['clean', '-fdq']);
  return files;
}

/**
 * Removes task `taskId`'s worktree after saving what it holds at `ref`; the branch stays. The folder goes
 * first and git forgets it after (`worktree remove` would read the worktree's own `.git` link, which an
 * agent may have rewritten).
 */
export async function removeWorktree(repo: Repository, path: string, taskId: number, ref: string) {
  const checkout = findCheckout(repo, path);
  const saved = checkout ? await saveWip(checkout, taskId, ref) : null;
  await forgetWorktree(repo, path);
  return saved;
}

export async function forgetWorktree(repo: Repository, path: string): Promise<void> {
  rmSync(path, { recursive: true, force: true });
  await inRepository(repo, ['worktree', 'prune']);
}
