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
}

export interface Release {
  mode: ReleaseMode;
  remote: string;
  deployWith: DeployWith;
}

/** A project's release settings with their defaults: merge into the default branch, deploy by command. */
export function resolveRelease(settings: ReleaseSettings | undefined): Release {
  return {
    mode: settings?.mode ?? 'merge',
    remote: settings?.remote ?? 'origin',
    deployWith: settings?.deployWith ?? 'command',
  };
}
