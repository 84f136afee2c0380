/**
 * Who holds a branch: git checks a branch out in one worktree at a time, so a branch checked out anywhere
 * else (another installation's worktree, a person's own checkout) stops Workhorse from using it. Retrying
 * cannot change that, so the job fails at once, naming the branch and where it is held.
 */
import { resolve } from 'node:path';
import { inRepository, type Repository } from './git.ts';
import { PermanentJobError } from './handler.ts';

export interface ListedWorktree {
  path: string;
  /** The full ref it has checked out (`refs/heads/...`); null when its HEAD is detached. */
  branch: string | null;
}

/** Reads `git worktree list --porcelain`: blocks of `key value` lines, separated by an empty line. */
export function parseWorktreeList(porcelain: string): ListedWorktree[] {
  const listed: ListedWorktree[] = [];
  for (const block of porcelain.split(/\n\s*\n/)) {
    const lines = block.split('\n');
    const path = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    if (path === undefined) continue;
    const branch = lines.find((line) => line.startsWith('branch '))?.slice('branch '.length) ?? null;
    listed.push({ path, branch });
  }
  return listed;
}

/**
 * Throws a PermanentJobError when `branch` is checked out in a worktree other than `path`. Called after
 * Workhorse has forgotten its own stale entries for `path`, so whatever still holds the branch is not ours.
 */
export async function assertBranchFree(repo: Repository, branch: string, path: string): Promise<void> {
  const listed = parseWorktreeList(await inRepository(repo, ['worktree', 'list', '--porcelain']));
  const holder = listed.find(
    (worktree) => worktree.branch === `refs/heads/${branch}` && resolve(worktree.path) !== resolve(path),
  );
  if (!holder) return;
  throw new PermanentJobError(
    `branch ${branch} is already checked out at ${holder.path}, a worktree this installation did not make ` +
      `for it (another Workhorse installation on this repository, or a person's checkout); ` +
      `free the branch there, or remove that worktree, then retry the job`,
  );
}
