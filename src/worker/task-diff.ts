/**
 * What a task's branch changes, read only, for a person reviewing it: the diff of the task branch against
 * where it left the run branch (their merge base, as `git diff run...task` takes it), parsed into files and
 * hunks by parse-diff, and the commits the task branch has beyond the run branch. Git runs with hooks,
 * filters, external diff drivers and textconv off (git.ts): an agent's worktree config never runs here.
 */
import { existsSync } from 'node:fs';
import parseDiff from 'parse-diff';
import { taskBranchName } from '../domain/git-names.ts';
import { errors } from '../errors/catalogue.ts';
import type { TaskGitNames } from '../services/run-git-names.ts';
import { GitError, inRepository, inRepositoryOk, openRepository, type Repository } from './git.ts';
import { repositoryPath } from './repository.ts';

/** Beyond this much patch text the diff is cut at a file boundary and marked truncated. */
const MAX_PATCH_CHARS = 2_000_000;
const MAX_COMMITS = 200;

export interface DiffLine {
  kind: 'add' | 'del' | 'same';
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export interface DiffHunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface DiffFile {
  path: string;
  oldPath: string;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
}

export interface TaskCommit {
  sha: string;
  subject: string;
  author: string;
  authoredAt: string;
}

export interface TaskDiff {
  taskId: number;
  runBranch: string | null;
  taskBranch: string | null;
  /** Whether both branches exist in the repository; without them there is nothing to compare. */
  branchesFound: boolean;
  base: string | null;
  head: string | null;
  commits: TaskCommit[];
  stats: { files: number; additions: number; deletions: number };
  files: DiffFile[];
  truncated: boolean;
}

function statusOf(file: parseDiff.File): DiffFile['status'] {
  if (file.new) return 'added';
  if (file.deleted) return 'deleted';
  return file.from !== file.to ? 'renamed' : 'modified';
}

function lineOf(change: parseDiff.Change): DiffLine {
  const text = change.content.slice(1);
  if (change.type === 'add') return { kind: 'add', text, oldNo: null, newNo: change.ln };
  if (change.type === 'del') return { kind: 'del', text, oldNo: change.ln, newNo: null };
  return { kind: 'same', text, oldNo: change.ln1, newNo: change.ln2 };
}

/**
 * Git's output reaches us trimmed (git.ts), which drops a last context line that is blank: the hunk's own
 * line counts say how many there were.
 */
function restoreTrailingBlankLines(hunk: DiffHunk): DiffHunk {
  const old = hunk.lines.filter((line) => line.kind !== 'add').length;
  const missing = hunk.oldLines - old;
  if (missing <= 0) return hunk;
  const last = hunk.lines.at(-1);
  let oldNo = (last?.oldNo ?? hunk.oldStart - 1) + 1;
  let newNo = (last?.newNo ?? hunk.newStart - 1) + 1;
  const lines = [...hunk.lines];
  for (let k = 0; k < missing; k++) lines.push({ kind: 'same', text: '', oldNo: oldNo++, newNo: newNo++ });
  return { ...hunk, lines };
}

/** parse-diff names an absent side `/dev/null`; a file's path is the side that exists. */
function filesOf(patch: string): DiffFile[] {
  return parseDiff(patch).map((file) => {
    const path = (file.deleted ? file.from : file.to) ?? file.from ?? '';
    return {
      path,
      oldPath: file.new ? path : (file.from ?? path),
      status: statusOf(file),
      additions: file.additions,
      deletions: file.deletions,
      hunks: file.chunks.map((chunk) =>
        restoreTrailingBlankLines({
          header: chunk.content,
          oldStart: chunk.oldStart,
          oldLines: chunk.oldLines,
          newStart: chunk.newStart,
          newLines: chunk.newLines,
          lines: chunk.changes.map(lineOf),
        }),
      ),
    };
  });
}

/** Cuts a long patch before the file that crosses the limit, so every file it keeps is whole. */
function capped(patch: string): { patch: string; truncated: boolean } {
  if (patch.length <= MAX_PATCH_CHARS) return { patch, truncated: false };
  const cut = patch.lastIndexOf('\ndiff --git ', MAX_PATCH_CHARS);
  return { patch: cut > 0 ? patch.slice(0, cut + 1) : '', truncated: true };
}

async function commitsOf(repo: Repository, range: string): Promise<TaskCommit[]> {
  const out = await inRepository(repo, [
    'log',
    `--max-count=${MAX_COMMITS}`,
    '--format=%H%x1f%s%x1f%an%x1f%aI',
    range,
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject, author, authoredAt] = line.split('\x1f') as [string, string, string, string];
      return { sha, subject, author, authoredAt };
    });
}

async function openIfThere(path: string): Promise<Repository | null> {
  if (!existsSync(path)) return null;
  try {
    return await openRepository(path);
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

export async function readTaskDiff(names: TaskGitNames, workspace: string): Promise<TaskDiff> {
  const { taskId, runBranch } = names;
  const taskBranch = runBranch ? taskBranchName(runBranch, taskId) : null;
  const empty: TaskDiff = {
    taskId,
    runBranch,
    taskBranch,
    branchesFound: false,
    base: null,
    head: null,
    commits: [],
    stats: { files: 0, additions: 0, deletions: 0 },
    files: [],
    truncated: false,
  };
  const repo = await openIfThere(repositoryPath(names.projectId, names.repository, workspace));
  if (!repo || !runBranch || !taskBranch) return empty;
  const [runRef, taskRef] = [`refs/heads/${runBranch}`, `refs/heads/${taskBranch}`];
  const found =
    (await inRepositoryOk(repo, ['rev-parse', '-q', '--verify', runRef])) &&
    (await inRepositoryOk(repo, ['rev-parse', '-q', '--verify', taskRef]));
  if (!found) return empty;
  // The task branch starts on the run branch; without a common commit someone rewrote one of them.
  if (!(await inRepositoryOk(repo, ['merge-base', runRef, taskRef])))
    throw errors.taskDiffUnavailable(taskId, taskBranch, runBranch);
  const base = await inRepository(repo, ['merge-base', runRef, taskRef]);
  const head = await inRepository(repo, ['rev-parse', taskRef]);
  const raw = await inRepository(repo, [
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '-M',
    base,
    head,
    '--',
  ]);
  const { patch, truncated } = capped(raw);
  const files = filesOf(patch);
  return {
    ...empty,
    branchesFound: true,
    base,
    head,
    commits: await commitsOf(repo, `${runRef}..${taskRef}`),
    stats: {
      files: files.length,
      additions: files.reduce((sum, file) => sum + file.additions, 0),
      deletions: files.reduce((sum, file) => sum + file.deletions, 0),
    },
    files,
    truncated,
  };
}
