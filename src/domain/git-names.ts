/**
 * Every name Workhorse gives in a project's repository, and where a run's worktrees are in the data folder.
 * Run and task ids count from 1 in every database, so two installations on one repository (another data
 * folder, another database) would name their branches alike: the installation's id (eight hex digits, made
 * once by a migration) keeps them apart. Task branches and worktree folders follow the run's stored branch,
 * so a run made before installations had ids keeps its names (`wh/run-1`, `wh/run-1-task-3`, `run-1/`).
 */

const INSTALLATION_ID = /^[0-9a-f]{8}$/;
/** `wh/<installation>/run-<id>`, or `wh/run-<id>` for a run made before installations had ids. */
const RUN_BRANCH = /^wh\/(?:([0-9a-f]{8})\/)?run-(\d+)$/;

function checkedInstallation(installation: string): string {
  if (!INSTALLATION_ID.test(installation))
    throw new Error(`installation id ${JSON.stringify(installation)} is not eight hex digits`);
  return installation;
}

export function runBranchName(installation: string, runId: number): string {
  return `wh/${checkedInstallation(installation)}/run-${runId}`;
}

/** Git cannot hold both `wh/run-1` and `wh/run-1/task-2` (a ref cannot also be a folder), hence the dash. */
export function taskBranchName(runBranch: string, taskId: number): string {
  return `${runBranch}-task-${taskId}`;
}

/** Where a task's unfinished work is saved when its agent stops early or its worktree goes. */
export function wipRef(installation: string, taskId: number, attempt: number): string {
  return `${taskRefFolders(installation, taskId).wip}${attempt}`;
}

/** Where the worktree sweep saves what a task's worktree still held when it removed it. */
export function finalWipRef(installation: string, taskId: number): string {
  return `${taskRefFolders(installation, taskId).wip}final`;
}

/** Where changes a reviewer (QA, SEC) made, which never count, are kept for a person to look at. */
export function discardedRef(installation: string, taskId: number, jobId: number): string {
  return `${taskRefFolders(installation, taskId).discarded}job-${jobId}`;
}

/** The ref folders holding a task's saved work (`git for-each-ref` patterns). */
export function taskRefFolders(installation: string, taskId: number): { wip: string; discarded: string } {
  const root = `refs/wh/${checkedInstallation(installation)}`;
  return { wip: `${root}/wip/task-${taskId}/`, discarded: `${root}/discarded/task-${taskId}/` };
}

/**
 * The folders, under the data folder's `worktrees/`, of the run whose branch is `runBranch`:
 * `<installation>/run-<id>`, or `run-<id>` for a run made before installations had ids. Anything else is
 * refused: the branch is read from the database and becomes a path.
 */
export function runWorktreeFolders(runBranch: string): string[] {
  const match = RUN_BRANCH.exec(runBranch);
  if (!match) throw new Error(`${JSON.stringify(runBranch)} is not a Workhorse run branch`);
  const [, installation, runId] = match;
  return installation ? [installation, `run-${runId}`] : [`run-${runId}`];
}
