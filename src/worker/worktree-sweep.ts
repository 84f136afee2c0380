/**
 * Worktrees are removed once nothing will work in them again: a complete task's (its branch is merged and
 * stays), a planning worktree once its run has left planning, and every worktree of a run that ended
 * (deployed, failed, killed). Uncommitted changes in a task's worktree are first saved at its final WIP
 * ref (`refs/wh/<installation>/wip/task-<id>/final`), so nothing is lost. A worktree a job may still use,
 * or one whose run or task this database does not know, is left alone.
 *
 * Only `worktrees/<installation>/run-<id>/` is swept: a data folder may be shared by installations (several
 * databases), and a folder another one made must never be taken for this database's run of the same id.
 * Folders of runs made before installations had ids (`worktrees/run-<id>/`) cannot be told apart, so they
 * are left for a person (`git worktree prune` forgets them once they are deleted).
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Queryable } from '../db/client.ts';
import { finalWipRef, runBranchName, taskBranchName } from '../domain/git-names.ts';
import { isTerminalPhase } from '../domain/run-phases.ts';
import { installationId } from '../services/installation.ts';
import { runningJobIds, type WorktreeOwner, worktreeOwners } from '../services/worktree-owners.ts';
import { findCheckout, openRepository, type Repository } from './git.ts';
import { repositoryPath } from './repository.ts';
import { forgetWorktree, saveWip, worktreePath } from './worktrees.ts';

const RUN_FOLDER = /^run-(\d+)$/;
const TASK_WORKTREE = /^task-(\d+)$/;

/** Whether the worktree `name` of `owner`'s run may go. */
export function mayRemoveWorktree(name: string, owner: WorktreeOwner | undefined): boolean {
  if (!owner || owner.inUse.has(name)) return false;
  const ended = isTerminalPhase(owner.phase);
  if (name === 'planning') return ended || owner.phase !== 'planning';
  // A review's read-only checkout holds no work: it goes whenever no review uses it.
  if (name === 'director') return true;
  if (name === 'integration') return ended;
  const task = TASK_WORKTREE.exec(name);
  if (!task) return false;
  const stage = owner.taskStages.get(Number(task[1]));
  return stage !== undefined && (ended || stage === 'complete');
}

export interface SweptWorktree {
  path: string;
  /** Where its uncommitted changes were saved, if it had any. */
  savedAt: string | null;
  /** The branch that keeps what was committed in it (a task's, or the run's); null for a planning one. */
  branch: string | null;
}

export async function sweepWorktrees(db: Queryable, workspace: string): Promise<SweptWorktree[]> {
  const installation = await installationId(db);
  const root = join(workspace, 'worktrees', installation);
  if (!existsSync(root)) return [];
  const runIds = readdirSync(root)
    .map((folder) => RUN_FOLDER.exec(folder)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number);
  const owners = await worktreeOwners(db, runIds);
  const swept: SweptWorktree[] = [];
  for (const runId of runIds) {
    const owner = owners.get(runId);
    const runBranch = runBranchName(installation, runId);
    // A folder whose run has another branch is not this run's: only its own branch names its folder.
    if (!owner || owner.branch !== runBranch) continue;
    const repoPath = repositoryPath(owner.projectId, owner.repository, workspace);
    // Without its repository a worktree's changes cannot be saved: leave it for a person.
    if (!existsSync(repoPath)) continue;
    const repo = await openRepository(repoPath);
    const folder = join(root, `run-${runId}`);
    for (const name of readdirSync(folder)) {
      if (!mayRemoveWorktree(name, owner)) continue;
      swept.push(
        await removeSwept(repo, worktreePath(workspace, runBranch, name), name, runBranch, installation),
      );
    }
    if (readdirSync(folder).length === 0) rmdirSync(folder);
  }
  return swept;
}

async function removeSwept(
  repo: Repository,
  path: string,
  name: string,
  runBranch: string,
  installation: string,
): Promise<SweptWorktree> {
  const taskId = Number(TASK_WORKTREE.exec(name)?.[1] ?? Number.NaN);
  const branch = Number.isSafeInteger(taskId)
    ? taskBranchName(runBranch, taskId)
    : name === 'integration'
      ? runBranch
      : null;
  const checkout = findCheckout(repo, path);
  if (!checkout) {
    // A leftover folder that is no longer a worktree (its creation was interrupted, or git pruned it).
    rmSync(path, { recursive: true, force: true });
    return { path, savedAt: null, branch };
  }
  const savedAt = Number.isSafeInteger(taskId)
    ? await saveWip(checkout, taskId, finalWipRef(installation, taskId))
    : null;
  await forgetWorktree(repo, path);
  return { path, savedAt, branch };
}

const HOME_FOLDER = /^job-(\d+)-/;

/**
 * Removes the private homes of agents and gates whose job is no longer running: each is removed when its
 * process ends, so these are what a worker that died left behind. Returns their paths.
 */
export async function sweepHomes(db: Queryable, workspace: string): Promise<string[]> {
  const root = join(workspace, 'homes');
  if (!existsSync(root)) return [];
  const homes = readdirSync(root)
    .map((name) => ({ name, jobId: Number(HOME_FOLDER.exec(name)?.[1] ?? Number.NaN) }))
    .filter((home) => Number.isSafeInteger(home.jobId));
  const running = await runningJobIds(
    db,
    homes.map((home) => home.jobId),
  );
  const removed: string[] = [];
  for (const home of homes) {
    if (running.has(home.jobId)) continue;
    rmSync(join(root, home.name), { recursive: true, force: true });
    removed.push(join(root, home.name));
  }
  return removed;
}

/** Sweeps now, then every `everyMs`; failures are logged, never thrown. Returns a function that stops it. */
export function scheduleWorktreeSweep(
  db: Queryable,
  workspace: string,
  logger: Logger | undefined,
  everyMs = 60_000,
): () => void {
  const sweep = async () => {
    try {
      for (const { path, savedAt, branch } of await sweepWorktrees(db, workspace)) {
        logger?.info({ path, savedAt, branch }, 'removed a worktree nothing will work in again');
      }
      for (const path of await sweepHomes(db, workspace)) {
        logger?.info({ path }, 'removed the private home of a job that is no longer running');
      }
    } catch (error) {
      logger?.warn({ err: error }, 'worktree sweep failed');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What a sweep did, a line each, saying where the work of every removed worktree is kept. */
export function describeSweep(worktrees: readonly SweptWorktree[], homes: readonly string[]): string[] {
  const lines = worktrees.map(({ path, savedAt, branch }) => {
    const kept = [
      branch ? `its commits stay on ${branch}` : null,
      savedAt ? `its uncommitted changes were saved at ${savedAt}` : 'it held no uncommitted changes',
    ].filter(Boolean);
    return `removed worktree ${path}: ${kept.join('; ')}`;
  });
  for (const home of homes) lines.push(`removed the private home ${home} (its job is no longer running)`);
  return lines.length > 0 ? lines : ['nothing to remove: every worktree may still be worked in'];
}
