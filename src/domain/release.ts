/**
 * How an approved run is released before its deploy command runs: `merge` its branch into the project's
 * default branch with a merge commit, `push` its branch to a remote, or `none` (the deploy command does it
 * all). The deploy itself is the project's `deploy_command`, or the `cicd` role's agent when `deployWith`
 * says so.
 */
export const RELEASE_MODES = Object.freeze(['merge', 'push', 'none'] as const);
export type ReleaseMode = (typeof RELEASE_MODES)[number];

export const DEPLOY_WITH = Object.freeze(['command', 'agent'] as const);
export type DeployWith = (typeof DEPLOY_WITH)[number];

export interface ReleaseSettings {
  mode?: ReleaseMode;
  /** The remote `push` pushes to; `origin` when absent. */
  remote?: string;
  deployWith?: DeployWith;
  /**
   * An absolute folder outside the data folder that the deploy command may write (a local deploy target):
   * the one folder besides its worktree bound writable in its sandbox, made when missing.
   */
  deployDir?: string;
}

export interface Release {
  mode: ReleaseMode;
  remote: string;
  deployWith: DeployWith;
  deployDir: string | null;
}

/** A project's release settings with their defaults: merge into the default branch, deploy by command. */
export function resolveRelease(settings: ReleaseSettings | undefined): Release {
  return {
    mode: settings?.mode ?? 'merge',
    remote: settings?.remote ?? 'origin',
    deployWith: settings?.deployWith ?? 'command',
    deployDir: settings?.deployDir ?? null,
  };
}

/**
 * Why the deploy may not write `deployDir`, or null: the data folder (database, tokens, other worktrees)
 * stays hidden, so the folder may be neither in it nor around it. Both paths absolute and normalized.
 */
export function deployDirProblem(deployDir: string, dataDir: string): string | null {
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
  if (within(deployDir, dataDir) || within(dataDir, deployDir))
    return `the deploy folder ${deployDir} overlaps the data folder ${dataDir}, which deploys never see`;
  return null;
}

/** What the run changes on the default branch, as `git diff --shortstat` counts it. */
export interface DiffSummary {
  base: string;
  head: string;
  commits: number;
  filesChanged: number;
  insertions: number;
  deletions: number;
  /** The changed paths, the first MAX_LISTED_FILES of them. */
  files: string[];
}

export const MAX_LISTED_FILES = 50;
export const MAX_LISTED_FINDINGS = 20;

/** What a person sees before approving a deploy: the change, its test, what is still open, its cost. */
export interface DeployDetails {
  diff: DiffSummary | null;
  test: { command: string | null; exitCode: number | null; passed: boolean };
  openFindings: {
    total: number;
    bySeverity: Record<string, number>;
    items: { id: number; severity: string; issue: string; file: string | null }[];
  };
  usage: {
    agentJobs: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number | null;
    unpricedJobs: number;
  };
}

/** Parses `git diff --shortstat` ("3 files changed, 10 insertions(+), 2 deletions(-)"); absent parts are 0. */
export function parseShortstat(line: string): Pick<DiffSummary, 'filesChanged' | 'insertions' | 'deletions'> {
  const number = (pattern: RegExp) => Number(pattern.exec(line)?.[1] ?? 0);
  return {
    filesChanged: number(/(\d+) files? changed/),
    insertions: number(/(\d+) insertions?\(\+\)/),
    deletions: number(/(\d+) deletions?\(-\)/),
  };
}
