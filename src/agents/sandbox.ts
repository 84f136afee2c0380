/**
 * Where bubblewrap works, an agent (and every gate that runs its code) is confined:
 *
 * - its own PID, IPC and UTS namespaces and a new session: /proc shows only the sandbox, so no other
 *   process's environment or root folder is in reach, and it cannot push keys into Workhorse's terminal;
 * - no capabilities, even when Workhorse runs as root (bubblewrap keeps them for root by default, and with
 *   them the agent could remount / writable);
 * - the system read-only; a private HOME (a folder of its own, shown where HOME points) with only its
 *   CLI's credentials and the user's toolchains shown in, read-only; a private /tmp;
 * - the task's worktree the one writable folder it shares with Workhorse, with its `.git` link and the
 *   repository's git folder read-only (the worker commits, not the agent); a deploy command may also
 *   write the project's deploy folder;
 * - the data folder (database, tokens, other tasks' worktrees) and the host's service sockets hidden;
 * - the network on (agents reach their model API) unless a project or role turns it off.
 */
import { spawnSync } from 'node:child_process';
import { findExecutable } from './executables.ts';

export interface SandboxPlan {
  bwrap: string;
  /** The task's worktree: the one writable folder the agent shares with Workhorse. */
  worktree: string;
  /** Other folders it may change: a deploy's local target folder. */
  writable: readonly string[];
  /** Inside the worktree, shown read-only: its `.git` link into the repository. */
  worktreeReadOnly: readonly string[];
  /** The agent's private home: the folder `source`, shown at `target` (where the agent's HOME points). */
  home: { source: string; target: string };
  /**
   * Shown read-only, over the private home and /tmp: Workhorse's own folder (the scripted agent, the CLIs
   * it installed), the user's toolchains under HOME, the CLI's credential files.
   */
  readOnly: readonly string[];
  /** Covered by an empty folder: the data folder, host sockets. */
  hidden: readonly string[];
  /** Files replaced by an empty one: password hashes, the Docker socket. */
  masked: readonly string[];
  /** Shown read-only even inside a hidden folder: the repository's git folder, which a worktree links to. */
  gitDirs: readonly string[];
  /** Whether the agent may reach the network (its model API); false gives it a network namespace of its own. */
  network: boolean;
}

/** Folders of host services an agent has no business talking to: databases, the session bus, user agents. */
export const HOST_SOCKET_DIRS = Object.freeze([
  '/run/postgresql',
  '/run/mysqld',
  '/run/dbus',
  '/run/user',
  '/var/lib/docker',
]);

/** Host files an agent must not read or connect to, even where root owns and can read them. */
export const HOST_MASKED_FILES = Object.freeze([
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/run/docker.sock',
  '/var/run/docker.sock',
]);

/** The confinement every sandbox gets, before any folder is shown. */
const ISOLATION = [
  '--die-with-parent',
  '--new-session',
  '--unshare-pid',
  '--unshare-ipc',
  '--unshare-uts',
  '--unshare-cgroup-try',
  '--cap-drop',
  'ALL',
];

export function findBubblewrap(path = process.env.PATH ?? ''): string | null {
  return findExecutable('bwrap', path);
}

/**
 * Whether bubblewrap can confine a process here as agents are confined (it needs user namespaces or
 * privileges; some containers allow neither). Returns null when it can, else bubblewrap's own words.
 */
export function bubblewrapProblem(bwrap: string): string | null {
  const probe = spawnSync(
    bwrap,
    [...ISOLATION, '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'],
    { encoding: 'utf8', timeout: 5000 },
  );
  if (probe.status === 0) return null;
  return (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim();
}

export function bubblewrapWorks(bwrap: string): boolean {
  return bubblewrapProblem(bwrap) === null;
}

/**
 * The bubblewrap command line that runs `command` confined by `plan`. Order matters: a later mount covers
 * an earlier one. The home comes first, then what is shown read-only inside it (so Workhorse's own
 * folder stays read-only even under HOME), then the hidden folders (so a data folder inside any of them
 * stays hidden), then the git folders and the worktree, which may sit inside a hidden folder.
 */
export function wrapInSandbox(
  plan: SandboxPlan,
  command: string,
  args: readonly string[],
): [string, string[]] {
  const mounts = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const file of plan.masked) mounts.push('--ro-bind', '/dev/null', file);
  mounts.push('--bind', plan.home.source, plan.home.target);
  for (const path of plan.readOnly) mounts.push('--ro-bind', path, path);
  for (const dir of plan.hidden) mounts.push('--tmpfs', dir);
  for (const dir of plan.gitDirs) mounts.push('--ro-bind', dir, dir);
  for (const dir of plan.writable) mounts.push('--bind', dir, dir);
  mounts.push('--bind', plan.worktree, plan.worktree);
  for (const path of plan.worktreeReadOnly) mounts.push('--ro-bind', path, path);
  const network = plan.network ? [] : ['--unshare-net'];
  return [
    plan.bwrap,
    [...ISOLATION, ...network, ...mounts, '--chdir', plan.worktree, '--', command, ...args],
  ];
}

/** What a Workhorse process found out at start about confining agents, as `/api/status` reports it. */
export interface SandboxStatus {
  /** Whether agents run in bubblewrap here. */
  available: boolean;
  bwrap: string | null;
  /** Why they cannot, in words a person can act on; null when they can. */
  problem: string | null;
  /** WH_ALLOW_UNSANDBOXED: whether they then run unconfined in every project. */
  allowUnsandboxed: boolean;
}
