/**
 * Each task works on its own branch in its own worktree under the data folder, cut from its run's branch
 * (itself cut from the project's default branch). Nothing is lost when a worktree goes: uncommitted work is
 * first saved as a commit under refs/wh/wip/task-<id>/<attempt>.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitOk, isDirty } from './git.ts';

/** Git cannot hold both `wh/run-1` and `wh/run-1/task-2` (a ref cannot also be a folder), hence the dash. */
export function taskBranchName(runId: number, taskId: number): string {
  return `wh/run-${runId}-task-${taskId}`;
}

export function wipRef(taskId: number, attempt: number): string {
  return `refs/wh/wip/task-${taskId}/${attempt}`;
}

export function worktreePath(workspace: string, runId: number, name: string): string {
  return join(workspace, 'worktrees', `run-${runId}`, name);
}

async function branchExists(repo: string, branch: string): Promise<boolean> {
  return gitOk(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
}

/** The run's branch, cut from the project's default branch the first time it is needed. */
export async function ensureRunBranch(repo: string, runBranch: string, defaultBranch: string): Promise<void> {
  if (await branchExists(repo, runBranch)) return;
  await git(repo, ['branch', runBranch, defaultBranch]);
}

async function ensureWorktree(repo: string, path: string, branch: string, base: string): Promise<string> {
  if (existsSync(join(path, '.git')) && (await gitOk(path, ['rev-parse', '--git-dir']))) return path;
  rmSync(path, { recursive: true, force: true });
  await git(repo, ['worktree', 'prune']);
  mkdirSync(join(path, '..'), { recursive: true });
  if (await branchExists(repo, branch)) await git(repo, ['worktree', 'add', path, branch]);
  else await git(repo, ['worktree', 'add', '-b', branch, path, base]);
  return path;
}

export interface TaskWorktree {
  path: string;
  branch: string;
  base: string;
}

export async function ensureTaskWorktree(
  repo: string,
  workspace: string,
  runId: number,
  taskId: number,
  runBranch: string,
): Promise<TaskWorktree> {
  const branch = taskBranchName(runId, taskId);
  const path = await ensureWorktree(
    repo,
    worktreePath(workspace, runId, `task-${taskId}`),
    branch,
    runBranch,
  );
  return { path, branch, base: runBranch };
}

/** The run branch checked out on its own, where task branches are merged and the whole is tested. */
export async function ensureRunWorktree(repo: string, workspace: string, runId: number, runBranch: string) {
  return ensureWorktree(repo, worktreePath(workspace, runId, 'integration'), runBranch, runBranch);
}

/**
 * Saves every uncommitted change (untracked files included) as a commit on a WIP ref, without touching
 * the branch, the index or the files. Returns the ref, or null when there was nothing to save.
 */
export async function saveWip(
  worktree: string,
  taskId: number,
  attempt: number,
  ref = wipRef(taskId, attempt),
): Promise<string | null> {
  if (!(await isDirty(worktree))) return null;
  const index = join(worktree, '..', `.wip-index-${taskId}-${attempt}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await git(worktree, ['read-tree', 'HEAD'], { env });
    await git(worktree, ['add', '-A'], { env });
    const tree = await git(worktree, ['write-tree'], { env });
    const commit = await git(worktree, [
      'commit-tree',
      tree,
      '-p',
      'HEAD',
      '-m',
      `wh: work in progress of task ${taskId}, attempt ${attempt}`,
    ]);
    await git(worktree, ['update-ref', ref, commit]);
    return ref;
  } finally {
    rmSync(index, { force: true });
  }
}

/** Where changes a reviewer (QA, SEC) made, which never count, are kept for a person to look at. */
export function discardedRef(taskId: number, jobId: number): string {
  return `refs/wh/discarded/task-${taskId}/job-${jobId}`;
}

/**
 * Puts a worktree back to its last commit, first saving what it held at `ref`. Ignored files (build
 * output, node_modules) stay. Returns the files that were changed, or [] when it was clean.
 */
export async function discardChanges(worktree: string, taskId: number, ref: string): Promise<string[]> {
  const tracked = await git(worktree, ['diff', '--name-only', 'HEAD']);
  const untracked = await git(worktree, ['ls-files', '--others', '--exclude-standard']);
  const files = [...tracked.split('\n'), ...untracked.split('\n')].filter(Boolean);
  if (files.length === 0) return [];
  await saveWip(worktree, taskId, 0, ref);
  await git(worktree, ['reset', '--hard', '-q']);
  await git(worktree, ['clean', '-fdq']);
  return files;
}

/** Removes a worktree after saving what it holds; the branch stays. */
export async function removeWorktree(repo: string, worktree: string, taskId: number, attempt: number) {
  const saved = existsSync(worktree) ? await saveWip(worktree, taskId, attempt) : null;
  if (existsSync(worktree)) await git(repo, ['worktree', 'remove', '--force', worktree]);
  return saved;
}
