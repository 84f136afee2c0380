/**
 * A run's branches and saved work as they are in its repository, read only: its run branch, each task's
 * branch, and the WIP and discarded refs that keep work no branch holds. For a person looking for work
 * that was set aside, or checking what another installation left.
 */
import { existsSync } from 'node:fs';
import { taskBranchName, taskRefFolders } from '../domain/git-names.ts';
import type { RunGitNames } from '../services/run-git-names.ts';
import { GitError, inRepository, openRepository } from './git.ts';
import { repositoryPath } from './repository.ts';

export interface RunBranch {
  branch: string;
  /** Null for the run's own branch. */
  taskId: number | null;
  exists: boolean;
  head: string | null;
}

export interface SavedWorkRef {
  ref: string;
  kind: 'wip' | 'discarded';
  taskId: number;
  head: string;
}

export interface RunBranches {
  runId: number;
  installation: string;
  /** Where the repository is on this machine (a URL project's clone in the data folder). */
  repository: string;
  /** Whether a git repository is there; without one no branch exists and no ref is known. */
  repositoryFound: boolean;
  branches: RunBranch[];
  refs: SavedWorkRef[];
}

function branchesOf(names: RunGitNames): Omit<RunBranch, 'exists' | 'head'>[] {
  const { runBranch } = names;
  if (runBranch === null) return [];
  return [
    { branch: runBranch, taskId: null },
    ...names.taskIds.map((taskId) => ({ branch: taskBranchName(runBranch, taskId), taskId })),
  ];
}

/** Every ref under `patterns` (git's prefix match), by full name, with the commit it points at. */
async function refsUnder(path: string, patterns: string[]): Promise<Map<string, string> | null> {
  if (!existsSync(path)) return null;
  try {
    const repo = await openRepository(path);
    if (patterns.length === 0) return new Map();
    const listed = await inRepository(repo, [
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      ...patterns,
    ]);
    return new Map(
      listed
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [head, ref] = line.split(' ') as [string, string];
          return [ref, head];
        }),
    );
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

export async function readRunBranches(names: RunGitNames, workspace: string): Promise<RunBranches> {
  const repository = repositoryPath(names.projectId, names.repository, workspace);
  const branches = branchesOf(names);
  const folders = names.taskIds.map((taskId) => ({ taskId, ...taskRefFolders(names.installation, taskId) }));
  const found = await refsUnder(repository, [
    ...branches.map(({ branch }) => `refs/heads/${branch}`),
    ...folders.flatMap(({ wip, discarded }) => [wip, discarded]),
  ]);
  const refs: SavedWorkRef[] = [];
  for (const { taskId, wip, discarded } of folders) {
    for (const [ref, head] of found ?? []) {
      if (ref.startsWith(wip)) refs.push({ ref, kind: 'wip', taskId, head });
      else if (ref.startsWith(discarded)) refs.push({ ref, kind: 'discarded', taskId, head });
    }
  }
  return {
    runId: names.runId,
    installation: names.installation,
    repository,
    repositoryFound: found !== null,
    branches: branches.map((branch) => {
      const head = found?.get(`refs/heads/${branch.branch}`) ?? null;
      return { ...branch, exists: head !== null, head };
    }),
    refs,
  };
}
