/**
 * What `wh doctor` checks on the machine itself: Node, git (and who commits), bubblewrap, and room in the
 * data folder. Each returns a Check; none throws.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { detectSandbox } from '../server/agent-setup.ts';
import type { Check } from './check.ts';

/** `engines.node` in package.json: ^20.19.0 || >=22.12.0 (require(esm) without a flag). */
export function nodeSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
}

export function checkNode(version = process.versions.node): Check {
  return nodeSupported(version)
    ? { name: 'node', level: 'ok', found: version }
    : { name: 'node', level: 'fail', found: `${version} is too old`, fix: 'install Node 22.12 or later' };
}

function gitOutput(args: string[]): string | null {
  const result = spawnSync('git', args, { encoding: 'utf8', timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

export function checkGit(): Check[] {
  const version = gitOutput(['--version']);
  if (version === null)
    return [{ name: 'git', level: 'fail', found: 'not found', fix: 'install git (apt install git)' }];
  const name = gitOutput(['config', '--global', 'user.name']);
  const email = gitOutput(['config', '--global', 'user.email']);
  const identity: Check =
    name && email
      ? { name: 'git identity', level: 'ok', found: `${name} <${email}>` }
      : {
          name: 'git identity',
          level: 'warn',
          found: 'none set: agents commit as "Workhorse <workhorse@localhost>"',
          fix: 'git config --global user.name "Your Name"; git config --global user.email you@example.com',
        };
  return [{ name: 'git', level: 'ok', found: version.replace(/^git version /, '') }, identity];
}

export function checkSandbox(allowUnsandboxed: boolean, path = process.env.PATH): Check {
  const sandbox = detectSandbox({ allowUnsandboxed }, path);
  if (sandbox.available)
    return { name: 'bubblewrap', level: 'ok', found: `agents confined by ${sandbox.bwrap}` };
  return {
    name: 'bubblewrap',
    level: allowUnsandboxed ? 'warn' : 'fail',
    found: `${sandbox.problem}${allowUnsandboxed ? ' (agents run UNCONFINED: WH_ALLOW_UNSANDBOXED=true)' : ''}`,
    fix: 'apt install bubblewrap, and allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)',
  };
}

const GB = 1024 ** 3;

/** The nearest folder that exists at or above `dir` (a data folder may not be made yet). */
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

export function checkDisk(dataDir: string): Check {
  const stats = statfsSync(existingAncestor(dataDir));
  const free = stats.bavail * stats.bsize;
  const found = `${(free / GB).toFixed(1)} GB free for ${dataDir}`;
  // Worktrees hold a checkout per task; a few hundred MB is a handful of tasks on a mid-size repository.
  if (free < 0.5 * GB)
    return {
      name: 'disk',
      level: 'fail',
      found,
      fix: 'free some space, or set WH_DATA_DIR to a larger disk',
    };
  if (free < 2 * GB)
    return { name: 'disk', level: 'warn', found, fix: 'runs keep a worktree per task: keep a few GB free' };
  return { name: 'disk', level: 'ok', found };
}
