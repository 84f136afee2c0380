/** Git, run as a child process. Every call names its repository or worktree; failures carry git's words. */
import { execa } from 'execa';

export class GitError extends Error {
  override name = 'GitError';
}

const IDENTITY = [
  '-c',
  'user.name=Workhorse',
  '-c',
  'user.email=workhorse@localhost',
  '-c',
  'commit.gpgsign=false',
];

export async function git(
  cwd: string,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
) {
  const result = await execa('git', [...IDENTITY, ...args], {
    cwd,
    reject: false,
    env: { GIT_TERMINAL_PROMPT: '0', ...options.env },
  });
  if (result.exitCode !== 0) {
    throw new GitError(`git ${args.join(' ')} failed in ${cwd}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

export async function gitOk(cwd: string, args: readonly string[]): Promise<boolean> {
  const result = await execa('git', args, { cwd, reject: false });
  return result.exitCode === 0;
}

export async function isDirty(worktree: string): Promise<boolean> {
  return (await git(worktree, ['status', '--porcelain'])) !== '';
}

export async function headOf(worktree: string): Promise<string> {
  return git(worktree, ['rev-parse', 'HEAD']);
}

export async function commitAll(worktree: string, message: string): Promise<string | null> {
  if (!(await isDirty(worktree))) return null;
  await git(worktree, ['add', '-A']);
  await git(worktree, ['commit', '--no-verify', '-q', '-m', message]);
  return headOf(worktree);
}

export async function commitsAhead(worktree: string, base: string): Promise<number> {
  return Number(await git(worktree, ['rev-list', '--count', `${base}..HEAD`]));
}

export async function changedFiles(worktree: string, base: string): Promise<string[]> {
  const out = await git(worktree, ['diff', '--name-only', `${base}...HEAD`]);
  return out ? out.split('\n') : [];
}

export async function diffOf(worktree: string, base: string): Promise<string> {
  return git(worktree, ['diff', `${base}...HEAD`]);
}
