/**
 * Stops an agent and everything it started. The agent leads its own process group, so one signal reaches
 * the group; descendants that left the group (setsid, double fork) are found by walking the process tree
 * first. SIGTERM first, then SIGKILL for whatever is still alive after the grace period.
 */
import { readFileSync } from 'node:fs';
import pidtree from 'pidtree';

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Whether a process still runs. A zombie (dead, not yet reaped by its new parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // No /proc (macOS): kill(0) is all there is.
    return true;
  }
}

async function descendants(pid: number): Promise<number[]> {
  // A process that has exited has no descendants left to find (its children went to another parent), and
  // walking the tree costs a `ps` of every process: after each agent and gate exits, twice, for nothing.
  if (!isAlive(pid)) return [];
  try {
    return await pidtree(pid);
  } catch {
    return [];
  }
}

export async function killTree(rootPid: number, graceMs: number): Promise<void> {
  const tree = [rootPid, ...(await descendants(rootPid))];
  signal(-rootPid, 'SIGTERM');
  for (const pid of tree) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(isAlive))
    await new Promise((resolve) => setTimeout(resolve, 100));
  // Children started during the grace period are in the tree too.
  const remaining = [...new Set([...tree, ...(await descendants(rootPid))])].filter(isAlive);
  signal(-rootPid, 'SIGKILL');
  for (const pid of remaining) signal(pid, 'SIGKILL');
}
