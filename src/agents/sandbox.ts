/**
 * Where bubblewrap exists, an agent is confined: it sees the file system read-only except its worktree, its
 * home and /tmp; the main repository's .git stays read-only (the runner commits, not the agent); the data
 * folder (database, tokens, other tasks' worktrees) is hidden behind an empty tmpfs.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface SandboxPlan {
  bwrap: string;
  worktree: string;
  home: string | null;
  hiddenDirs: readonly string[];
  /**
   * Programs the agent runs (Workhorse's own folder: the scripted agent, the CLIs in node_modules), shown
   * read-only even where they sit under /tmp. Bound before the hidden folders, so a data folder inside one
   * of them stays hidden.
   */
  programDirs: readonly string[];
  /** Shown read-only even inside a hidden folder (the repository's .git, which a worktree points into). */
  readOnlyDirs: readonly string[];
}

export function findBubblewrap(path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, 'bwrap');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Whether bubblewrap can actually confine a process here (it needs user namespaces or privileges). */
export function bubblewrapWorks(bwrap: string): boolean {
  const probe = spawnSync(
    bwrap,
    ['--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'],
    {
      stdio: 'ignore',
      timeout: 5000,
    },
  );
  return probe.status === 0;
}

export function wrapInSandbox(
  plan: SandboxPlan,
  command: string,
  args: readonly string[],
): [string, string[]] {
  // Order matters: a later mount covers an earlier one. The program folders and the home are bound before
  // the hidden folders are covered, or a data folder inside them (~/.workhorse) would show through.
  const binds = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const dir of plan.programDirs) binds.push('--ro-bind', dir, dir);
  if (plan.home) binds.push('--bind', plan.home, plan.home);
  for (const dir of plan.hiddenDirs) binds.push('--tmpfs', dir);
  for (const dir of plan.readOnlyDirs) binds.push('--ro-bind', dir, dir);
  binds.push('--bind', plan.worktree, plan.worktree);
  return [
    plan.bwrap,
    ['--die-with-parent', '--new-session', ...binds, '--chdir', plan.worktree, '--', command, ...args],
  ];
}
