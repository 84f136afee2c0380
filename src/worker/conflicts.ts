/**
 * Conflicts a task's worktree still holds: conflict markers git wrote into files, and a merge not yet
 * concluded. A half-resolved merge is never committed (its markers would become the task's code): the DEV
 * stage then fails with a finding and its next attempt goes on from the worktree as the agent left it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportFinding } from '../domain/reports.ts';
import { changedFiles, inCheckout, mergeInProgress, unmergedFiles } from './git.ts';
import type { TaskWorktree } from './worktrees.ts';

/**
 * Git's markers in order, each at the start of its line: `<<<<<<< `, then `=======` alone, then `>>>>>>> `.
 * A lone `=======` is a Markdown or reStructuredText heading underline, not a conflict.
 */
const CONFLICT_MARKERS = /^<{7} [^\n]*\n(?:[\s\S]*?\n)?={7}\r?\n(?:[\s\S]*?\n)?>{7}(?: |\r?$)/m;

/** Larger files are not scanned: git does not write markers into what it takes for binary either. */
const MAX_SCANNED_BYTES = 8 * 1024 * 1024;

export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKERS.test(text);
}

function fileHasConflictMarkers(path: string): boolean {
  if (!existsSync(path)) return false;
  const stat = statSync(path);
  if (!stat.isFile() || stat.size > MAX_SCANNED_BYTES) return false;
  const content = readFileSync(path);
  if (content.includes(0)) return false;
  return hasConflictMarkers(content.toString('utf8'));
}

/**
 * The files of the task's change (committed on its branch, changed since its last commit, or unmerged)
 * whose working copy holds conflict markers.
 */
export async function filesWithConflictMarkers(wt: TaskWorktree): Promise<string[]> {
  const uncommitted = (await inCheckout(wt, ['diff', '--name-only', 'HEAD'])).split('\n');
  const candidates = new Set([
    ...(await changedFiles(wt, wt.base)),
    ...uncommitted,
    ...(await unmergedFiles(wt)),
  ]);
  return [...candidates].filter((file) => file && fileHasConflictMarkers(join(wt.path, file))).sort();
}

/** A merge in progress whose conflicts are not all resolved yet: committing it now would commit markers. */
export async function halfResolvedMerge(wt: TaskWorktree): Promise<boolean> {
  return (await mergeInProgress(wt)) && (await filesWithConflictMarkers(wt)).length > 0;
}

/** The `conflicts` check: no conflict marker in the task's change, and no merge left unconcluded. */
export async function conflictsCheck(wt: TaskWorktree): Promise<ReportFinding[]> {
  const marked = await filesWithConflictMarkers(wt);
  if (marked.length > 0)
    return [
      {
        severity: 'high',
        issue: `conflict markers remain in ${marked.join(', ')}`,
        file: marked[0] ?? null,
        line: null,
        recommendation: `resolve every conflict (the lines from <<<<<<< to >>>>>>>) keeping both the task's change and ${wt.base}'s, and remove the markers`,
      },
    ];
  if (!(await mergeInProgress(wt))) return [];
  return [
    {
      severity: 'high',
      issue: `the merge of ${wt.base} into the task branch was not concluded`,
      file: null,
      line: null,
      recommendation: 'leave every conflicted file resolved so that Workhorse can commit the merge',
    },
  ];
}
