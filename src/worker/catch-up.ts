/**
 * Bringing a task branch up to date with its run branch before its DEV agent starts. The agent cannot do
 * it: in the sandbox the repository's git folder is read-only. So the worker merges the run branch into the
 * task's worktree with its own git; a clean merge is committed at once, a conflicting one is left in the
 * worktree with its markers for the agent to resolve, and the worker's commit after the agent concludes it
 * (see conflicts.ts for what happens when the agent leaves markers behind).
 */
import { filesWithConflictMarkers } from './conflicts.ts';
import { inCheckout, inCheckoutOk, isDirty, mergeInProgress, unmergedFiles } from './git.ts';
import type { TaskWorktree } from './worktrees.ts';

export type CatchUp =
  /** The task branch already holds every commit of the run branch. */
  | { state: 'up-to-date' }
  /** The run branch was merged in cleanly: a merge commit on the task branch, or a fast-forward. */
  | { state: 'merged' }
  /**
   * A merge of the run branch is in the worktree, its conflicts in `files` left for the agent (none left
   * when an earlier attempt resolved them all: the worker's commit concludes the merge).
   */
  | { state: 'conflicts'; files: string[] }
  /**
   * An earlier attempt's uncommitted work is in the way: the merge waits for a later DEV attempt (this one
   * commits that work, and the merge into the run branch sends the task back if they still conflict).
   */
  | { state: 'deferred' };

export async function catchUpWithRunBranch(wt: TaskWorktree): Promise<CatchUp> {
  // An earlier attempt of this task (a failed agent, a stage failed for the markers it left) began the
  // merge: it goes on as the worktree stands, listing what is still unresolved.
  if (await mergeInProgress(wt)) return { state: 'conflicts', files: await filesWithConflictMarkers(wt) };
  if (await inCheckoutOk(wt, ['merge-base', '--is-ancestor', wt.base, 'HEAD']))
    return { state: 'up-to-date' };
  if (await isDirty(wt)) return { state: 'deferred' };
  try {
    await inCheckout(wt, ['merge', '--no-edit', '-m', `wh: merge ${wt.base} into ${wt.branch}`, wt.base]);
    return { state: 'merged' };
  } catch (error) {
    const files = (await mergeInProgress(wt)) ? await unmergedFiles(wt) : [];
    if (files.length > 0) return { state: 'conflicts', files };
    // Not a conflict: Workhorse's problem to show, and no half-done merge left for the agent.
    await inCheckoutOk(wt, ['merge', '--abort']);
    throw error;
  }
}
