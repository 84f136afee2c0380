/**
 * How a job's agent and gates are confined: in bubblewrap, with the data folder hidden and a private home
 * in it, the network as the project or role says; or, where bubblewrap cannot run, not at all, but only
 * if a person accepted that for this project or for the whole installation.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Confinement } from '../agents/confinement.ts';
import type { WorkContext } from '../services/work-context.ts';
import type { Repository } from './git.ts';
import { PermanentJobError } from './handler.ts';

/** Workhorse's own folder: the scripted agent and the agent CLIs installed with it live here. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ConfinementOptions {
  /** The data folder: worktrees, clones and private homes live under it, and agents never see it. */
  workspace: string;
  /** The bubblewrap executable that confines agents, or null where it cannot run here. */
  bwrap: string | null;
  /** WH_ALLOW_UNSANDBOXED: run agents unconfined where there is no bubblewrap, in every project. */
  allowUnsandboxed: boolean;
  hostEnv?: NodeJS.ProcessEnv;
}

export const UNSANDBOXED_REFUSAL =
  'agents run only inside a bubblewrap sandbox, and bubblewrap cannot run here: install bubblewrap (Debian/Ubuntu: apt install bubblewrap), or accept unconfined agents, which can read and change anything the server can, with WH_ALLOW_UNSANDBOXED=true or the project setting sandbox.allowUnsandboxed';

type NetworkSetting = { sandbox?: { network?: unknown } } | undefined;

function networkSetting(settings: NetworkSetting): 'on' | 'none' | null {
  const value = settings?.sandbox?.network;
  return value === 'on' || value === 'none' ? value : null;
}

/** The network is on unless the role (in the project, then its config) or the project turns it off. */
export function networkAllowed(context: WorkContext): boolean {
  const role = context.job.role;
  const chosen =
    networkSetting(context.project.settings.roles?.[role] as NetworkSetting) ??
    networkSetting(context.roleConfig?.settings as NetworkSetting) ??
    networkSetting(context.project.settings as NetworkSetting);
  return chosen !== 'none';
}

/**
 * The confinement of one process of a job (`label` tells its agent from its gates apart, each with a
 * home of its own) in `worktree`. Throws a permanent job error when it would run unconfined and nobody
 * accepted that.
 */
export function confinementFor(
  options: ConfinementOptions,
  context: WorkContext,
  worktree: string,
  repo: Repository,
  label: string,
): Confinement {
  if (
    !options.bwrap &&
    !options.allowUnsandboxed &&
    context.project.settings.sandbox?.allowUnsandboxed !== true
  )
    throw new PermanentJobError(UNSANDBOXED_REFUSAL);
  const host = options.hostEnv ?? process.env;
  return {
    bwrap: options.bwrap,
    worktree,
    programDirs: [PACKAGE_ROOT],
    hidden: [options.workspace],
    gitDirs: [repo.gitDir],
    network: networkAllowed(context),
    homePath: join(options.workspace, 'homes', `job-${context.job.id}-${label}`),
    userHome: host.HOME ?? null,
    pathVariable: host.PATH ?? '',
  };
}
