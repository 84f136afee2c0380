/**
 * Git, run as a child process, that never runs code it did not choose. An agent can write anything in its
 * worktree (and, unconfined, anything its user can), so no git call here trusts what a worktree or HOME
 * says: global and system config are off, hooks and fsmonitor are off, and a worktree is named by the git
 * folder Workhorse recorded when it made it (`--git-dir`/`--work-tree`), never found through its `.git`
 * file. Failures carry git's own words.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export class GitError extends Error {
  override name = 'GitError';
}

/** Settings no repository, worktree or HOME can override: they come last on the command line. */
const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  'user.name=Workhorse',
  'user.email=workhorse@localhost',
  'commit.gpgsign=false',
  'tag.gpgsign=false',
  'merge.verifySignatures=false',
].flatMap((setting) => ['-c', setting]);

/** What git gets from Workhorse's environment: how to reach remotes, nothing that points git elsewhere. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'SSH_AUTH_SOCK', 'GIT_SSH_COMMAND'];
const PROXY_ENV = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

export interface GitOptions {
  env?: Record<string, string>;
  /**
   * Remote operations (clone, fetch) keep the user's global and system config: credential helpers, proxies
   * and URL rewrites live there. Hooks and fsmonitor stay off.
   */
  userConfig?: boolean;
}

function gitEnvironment(options: GitOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...PASSED_ENV, ...(options.userConfig ? PROXY_ENV : [])]) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const isolation: Record<string, string> = options.userConfig
    ? {}
    : { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  return { ...env, ...isolation, GIT_TERMINAL_PROMPT: '0', ...options.env };
}

async function runGit(cwd: string, args: readonly string[], options: GitOptions) {
  return execa('git', [...SAFE_CONFIG, ...args], {
    cwd,
    reject: false,
    extendEnv: false,
    env: gitEnvironment(options),
  });
}

/**
 * Git in a folder Workhorse trusts: the project's own repository, a clone it made, a temporary folder.
 * Never in a worktree an agent has worked in: use `inCheckout` there.
 */
export async function git(cwd: string, args: readonly string[], options: GitOptions = {}) {
  const result = await runGit(cwd, args, options);
  if (result.exitCode !== 0) {
    const command = args.filter((arg) => !/^--(git-dir|work-tree)=/.test(arg)).join(' ');
    throw new GitError(`git ${command} failed in ${cwd}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

export async function gitOk(cwd: string, args: readonly string[], options: GitOptions = {}) {
  return (await runGit(cwd, args, options)).exitCode === 0;
}

/** A project's repository on this machine: its folder and its (common) git folder. */
export interface Repository {
  path: string;
  gitDir: string;
}

export async function openRepository(path: string): Promise<Repository> {
  const gitDir = await git(path, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  return { path, gitDir };
}

/** A repository's main working tree, as a checkout (for a repository Workhorse trusts, like a test's). */
export function mainCheckout(repo: Repository): Checkout {
  return { path: repo.path, gitDir: repo.gitDir };
}

/** Git on a repository by its git folder alone: no discovery, no work tree. */
export function inRepository(repo: Repository, args: readonly string[], options: GitOptions = {}) {
  return git(repo.path, [`--git-dir=${repo.gitDir}`, ...args], options);
}

export function inRepositoryOk(repo: Repository, args: readonly string[]) {
  return gitOk(repo.path, [`--git-dir=${repo.gitDir}`, ...args]);
}

/** A worktree Workhorse made: its files, and the git folder git gave it (inside the repository's). */
export interface Checkout {
  path: string;
  gitDir: string;
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The worktree at `path`, found from the repository's side: the entry under `<git dir>/worktrees/` whose
 * `gitdir` file names `<path>/.git`. The worktree's own `.git` file is never read: an agent can rewrite it.
 * Null when the repository has no worktree there.
 */
export function findCheckout(repo: Repository, path: string): Checkout | null {
  const admin = join(repo.gitDir, 'worktrees');
  if (!existsSync(admin) || !existsSync(path)) return null;
  const link = join(path, '.git');
  for (const name of readdirSync(admin)) {
    const gitdirFile = join(admin, name, 'gitdir');
    if (!existsSync(gitdirFile)) continue;
    if (sameFile(readFileSync(gitdirFile, 'utf8').trim(), link)) return { path, gitDir: join(admin, name) };
  }
  return null;
}

/** Git in a checkout, told exactly where its git folder and its files are. */
export function inCheckout(checkout: Checkout, args: readonly string[], options: GitOptions = {}) {
  return git(
    checkout.path,
    [`--git-dir=${checkout.gitDir}`, `--work-tree=${checkout.path}`, ...args],
    options,
  );
}

export function inCheckoutOk(checkout: Checkout, args: readonly string[]) {
  return gitOk(checkout.path, [`--git-dir=${checkout.gitDir}`, `--work-tree=${checkout.path}`, ...args]);
}

export async function isDirty(checkout: Checkout): Promise<boolean> {
  return (await inCheckout(checkout, ['status', '--porcelain'])) !== '';
}

export async function headOf(checkout: Checkout): Promise<string> {
  return inCheckout(checkout, ['rev-parse', 'HEAD']);
}

/** Whether a merge was started in the checkout and not yet concluded (git keeps MERGE_HEAD until then). */
export function mergeInProgress(checkout: Checkout): Promise<boolean> {
  return inCheckoutOk(checkout, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']);
}

/** The paths the index holds as unmerged: the conflicts of a merge nobody has staged a resolution of. */
export async function unmergedFiles(checkout: Checkout): Promise<string[]> {
  const out = await inCheckout(checkout, ['diff', '--name-only', '--diff-filter=U']);
  return out ? [...new Set(out.split('\n'))] : [];
}

/**
 * Commits everything in the checkout. During a merge this concludes it: the commit has both parents, even
 * when the resolution leaves no change against HEAD.
 */
export async function commitAll(checkout: Checkout, message: string): Promise<string | null> {
  if (!(await isDirty(checkout)) && !(await mergeInProgress(checkout))) return null;
  await inCheckout(checkout, ['add', '-A']);
  await inCheckout(checkout, ['commit', '--no-verify', '-q', '-m', message]);
  return headOf(checkout);
}

export async function commitsAhead(checkout: Checkout, base: string): Promise<number> {
  return Number(await inCheckout(checkout, ['rev-list', '--count', `${base}..HEAD`]));
}

export async function changedFiles(checkout: Checkout, base: string): Promise<string[]> {
  const out = await inCheckout(checkout, ['diff', '--name-only', `${base}...HEAD`]);
  return out ? out.split('\n') : [];
}

export async function diffOf(checkout: Checkout, base: string): Promise<string> {
  return inCheckout(checkout, ['diff', '--no-ext-diff', '--no-textconv', `${base}...HEAD`]);
}
