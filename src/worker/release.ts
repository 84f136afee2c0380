/**
 * The release step of an approved run's deploy, done by Workhorse's own git outside any sandbox: `merge` the
 * run branch into the project's default branch with a merge commit, `push` the run branch to a remote, or
 * nothing. The merge is made in a worktree of its own, detached at the default branch, and then published:
 * where the default branch is checked out (the user's own checkout, say) that checkout is fast-forwarded to
 * it, as `git merge --ff-only` would, so its files follow and git refuses rather than overwrite local
 * changes; elsewhere the branch is moved only if nobody moved it meanwhile. A repository given by URL gets
 * the merged default branch pushed back.
 */
import { type DiffSummary, MAX_LISTED_FILES, parseShortstat, type Release } from '../domain/release.ts';
import {
  GitError,
  git,
  inCheckout,
  inCheckoutOk,
  inRepository,
  inRepositoryOk,
  type Repository,
} from './git.ts';
import { PermanentJobError } from './handler.ts';
import { ensureWorktree, forgetWorktree, worktreePath } from './worktrees.ts';

export interface ReleaseTarget {
  repo: Repository;
  workspace: string;
  runBranch: string;
  defaultBranch: string;
  /** The project's repository is a URL: Workhorse works on its own clone and pushes what it releases. */
  remoteRepository: boolean;
  goal: string;
}

/** What the run branch changes on the default branch. */
export async function diffSummary(repo: Repository, base: string, head: string): Promise<DiffSummary> {
  const range = `${base}...${head}`;
  const shortstat = await inRepository(repo, ['diff', '--shortstat', range]);
  const files = await inRepository(repo, ['diff', '--name-only', range]);
  const commits = await inRepository(repo, ['rev-list', '--count', `${base}..${head}`]);
  return {
    base,
    head,
    commits: Number(commits),
    ...parseShortstat(shortstat),
    files: files ? files.split('\n').slice(0, MAX_LISTED_FILES) : [],
  };
}

/** Releases the run as the project chose; returns the released commit, or null for `none`. */
export async function releaseRun(
  target: ReleaseTarget,
  release: Release,
  say: (line: string) => void,
): Promise<string | null> {
  if (release.mode === 'none') {
    say('release: none (the deploy does it all)');
    return null;
  }
  if (release.mode === 'push') {
    await pushBranch(target.repo, release.remote, target.runBranch);
    say(`release: pushed ${target.runBranch} to ${release.remote}`);
    return inRepository(target.repo, ['rev-parse', `refs/heads/${target.runBranch}`]);
  }
  const merged = await mergeIntoDefault(target, say);
  if (target.remoteRepository) {
    await pushBranch(target.repo, 'origin', target.defaultBranch);
    say(`release: pushed ${target.defaultBranch} to origin`);
  }
  return merged;
}

async function pushBranch(repo: Repository, remote: string, branch: string): Promise<void> {
  try {
    await inRepository(repo, ['push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
      userConfig: true,
    });
  } catch (error) {
    throw new PermanentJobError(`the release could not push ${branch} to ${remote}: ${messageOf(error)}`);
  }
}

async function mergeIntoDefault(target: ReleaseTarget, say: (line: string) => void): Promise<string> {
  const { repo, runBranch, defaultBranch } = target;
  const before = await inRepository(repo, ['rev-parse', `refs/heads/${defaultBranch}`]);
  // A retried deploy whose merge already landed releases nothing twice.
  if (await inRepositoryOk(repo, ['merge-base', '--is-ancestor', `refs/heads/${runBranch}`, before])) {
    say(`release: ${runBranch} is already merged into ${defaultBranch} (${before.slice(0, 12)})`);
    return before;
  }
  const path = worktreePath(target.workspace, target.runBranch, 'release');
  const checkout = await ensureWorktree(repo, path, null, before);
  try {
    await inCheckout(checkout, ['reset', '--hard', '-q', before]);
    await inCheckout(checkout, ['clean', '-fdq']);
    const message = `Merge ${runBranch} into ${defaultBranch}\n\nReleased by Workhorse: ${target.goal}`.slice(
      0,
      2000,
    );
    if (!(await inCheckoutOk(checkout, ['merge', '--no-ff', '--no-edit', '-m', message, runBranch]))) {
      const conflicts = await inCheckout(checkout, ['diff', '--name-only', '--diff-filter=U']);
      await inCheckoutOk(checkout, ['merge', '--abort']);
      throw new PermanentJobError(
        `the release cannot merge ${runBranch} into ${defaultBranch}: it conflicts in ${conflicts.split('\n').join(', ') || 'files git did not name'}; merge ${defaultBranch} into ${runBranch}, resolve, and retry this job`,
      );
    }
    const merged = await inCheckout(checkout, ['rev-parse', 'HEAD']);
    await publish(repo, defaultBranch, before, merged);
    say(`release: merged ${runBranch} into ${defaultBranch} as ${merged}`);
    return merged;
  } finally {
    await forgetWorktree(repo, path);
  }
}

/** The folder of a worktree that has `branch` checked out, or null. */
async function checkoutHolding(repo: Repository, branch: string): Promise<string | null> {
  const listing = await inRepository(repo, ['worktree', 'list', '--porcelain']);
  for (const entry of listing.split('\n\n')) {
    const lines = entry.split('\n');
    if (lines.includes(`branch refs/heads/${branch}`) && !lines.includes('bare'))
      return lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length) ?? null;
  }
  return null;
}

async function publish(repo: Repository, branch: string, before: string, merged: string): Promise<void> {
  const holder = await checkoutHolding(repo, branch);
  try {
    if (holder) await git(holder, ['merge', '--ff-only', '--quiet', merged]);
    else await inRepository(repo, ['update-ref', `refs/heads/${branch}`, merged, before]);
  } catch (error) {
    const where = holder ? `the checkout at ${holder}` : 'the repository';
    throw new PermanentJobError(
      `the release could not move ${branch} to the merge ${merged.slice(0, 12)} in ${where}: ${messageOf(error)}; retry this job once ${branch} can move`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof GitError || error instanceof Error ? error.message : String(error);
}
