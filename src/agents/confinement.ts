/**
 * How one agent or gate process is started confined: its private home made, the sandbox planned around
 * it (or, where a person accepted running without bubblewrap, the home linked instead), and everything
 * removed again when it is done.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { credentialFiles, type HomeNeeds, prepareAgentHome, toolchainDirs } from './agent-home.ts';
import { HOST_MASKED_FILES, HOST_SOCKET_DIRS, type SandboxPlan, wrapInSandbox } from './sandbox.ts';

export interface Confinement {
  /** The bubblewrap executable, or null to run unconfined (only where a person accepted that). */
  bwrap: string | null;
  /** The task's worktree: where the process runs, and the one folder it may change. */
  worktree: string;
  /** Folders besides the worktree it may change (a deploy's local target); none when absent. */
  writable?: readonly string[];
  /** Workhorse's own folder and other program folders, shown read-only. */
  programDirs: readonly string[];
  /** Folders hidden from the process: the data folder. */
  hidden: readonly string[];
  /** Git folders the worktree links to, shown read-only even inside a hidden folder. */
  gitDirs: readonly string[];
  network: boolean;
  /** Where the private home is made (inside the data folder, so no other agent can see it). */
  homePath: string;
  /** The real HOME of the user Workhorse runs as, or null. */
  userHome: string | null;
  /** Workhorse's PATH, which tells where the user's toolchains are. */
  pathVariable: string;
}

export interface ConfinedProcess {
  command: string;
  args: string[];
  /** HOME and TMPDIR as the process must see them. */
  env: { HOME: string; TMPDIR: string };
  hasHomeFile(rel: string): boolean;
  readHomeFile(rel: string): string | null;
  /** Removes the private home. */
  cleanup(): void;
}

/** Where the private home is shown when the user has no usable HOME of their own. */
const FALLBACK_HOME = '/tmp/home';

function existing(paths: readonly string[]): string[] {
  return paths.filter((path) => existsSync(path));
}

function usableHome(home: string | null): string | null {
  if (!home || home === '/') return null;
  try {
    return statSync(home).isDirectory() ? home : null;
  } catch {
    return null;
  }
}

export function sandboxPlanFor(
  confinement: Confinement & { bwrap: string },
  homeSource: string,
  credentials: readonly string[],
): SandboxPlan {
  const userHome = usableHome(confinement.userHome);
  const toolchains = userHome ? toolchainDirs(userHome, confinement.pathVariable) : [];
  const gitLink = join(confinement.worktree, '.git');
  return {
    bwrap: confinement.bwrap,
    worktree: confinement.worktree,
    writable: confinement.writable ?? [],
    worktreeReadOnly: existsSync(gitLink) ? [gitLink] : [],
    home: { source: homeSource, target: userHome ?? FALLBACK_HOME },
    readOnly: [...toolchains, ...credentials, ...confinement.programDirs],
    hidden: [...existing(HOST_SOCKET_DIRS), ...confinement.hidden],
    masked: existing(HOST_MASKED_FILES),
    gitDirs: confinement.gitDirs,
    network: confinement.network,
  };
}

export function confine(
  confinement: Confinement,
  needs: HomeNeeds,
  homeFiles: Readonly<Record<string, string>>,
  command: string,
  args: readonly string[],
): ConfinedProcess {
  const sandboxed = confinement.bwrap !== null;
  const home = prepareAgentHome({
    path: confinement.homePath,
    userHome: usableHome(confinement.userHome),
    needs,
    files: homeFiles,
    linkFromUserHome: !sandboxed,
    pathVariable: confinement.pathVariable,
  });
  const base = {
    hasHomeFile: home.hasFile,
    readHomeFile: home.readFile,
    cleanup: home.remove,
  };
  if (confinement.bwrap === null) {
    return { ...base, command, args: [...args], env: { HOME: home.path, TMPDIR: '/tmp' } };
  }
  const userHome = usableHome(confinement.userHome);
  const credentials = userHome ? credentialFiles(userHome, needs) : [];
  const plan = sandboxPlanFor({ ...confinement, bwrap: confinement.bwrap }, home.path, credentials);
  const [wrapped, wrappedArgs] = wrapInSandbox(plan, command, args);
  return { ...base, command: wrapped, args: wrappedArgs, env: { HOME: plan.home.target, TMPDIR: '/tmp' } };
}
