/**
 * The worker's own git never runs code an agent planted, even without a sandbox: a worktree whose `.git`
 * link points at a git folder of the agent's (with core.fsmonitor, core.hooksPath and every hook), a
 * ~/.gitconfig and an XDG git config that do the same (plus a clean filter and a textconv that a
 * .gitattributes in the worktree switches on), and hooks and fsmonitor in the repository's own config.
 * Every git call the worker makes on a task is made, and afterwards a marker file proves that nothing ran,
 * while the work landed on the real task branch.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupOnce } from '../../test/support/setup-once.ts';
import { catchUpWithRunBranch } from './catch-up.ts';
import { conflictsCheck } from './conflicts.ts';
import {
  changedFiles,
  commitAll,
  commitsAhead,
  diffOf,
  findCheckout,
  git,
  isDirty,
  mainCheckout,
  openRepository,
  type Repository,
} from './git.ts';
import { mergeTaskIntoRun } from './merge.ts';
import {
  discardChanges,
  ensureRunBranch,
  ensureTaskWorktree,
  removeWorktree,
  saveWip,
  type TaskWorktree,
} from './worktrees.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-git-safety-'));
const repoPath = join(root, 'repo');
const workspace = join(root, 'data');
const marker = join(root, 'hostile-code-ran');
const hostileHome = join(root, 'hostile-home');
const RUN_BRANCH = 'wh/run-1';
const HOOKS = [
  'pre-commit',
  'post-commit',
  'commit-msg',
  'reference-transaction',
  'post-checkout',
  'post-merge',
];
let repo: Repository;
let wt: TaskWorktree;
const savedEnv = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

/** A script that leaves the marker (with its name) if anything ever runs it. */
function hostileScript(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho ${name} >> ${marker}\nexit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

function hostileConfig(hooksDir: string, fsmonitor: string): string {
  for (const hook of HOOKS) hostileScript(hooksDir, hook);
  return `[core]\n\tfsmonitor = ${fsmonitor}\n\thooksPath = ${hooksDir}\n[commit]\n\tgpgsign = true\n`;
}

const ready = setupOnce(async () => {
  await git(root, ['init', '-q', '-b', 'main', repoPath]);
  writeFileSync(join(repoPath, 'app.js'), 'export const answer = 1;\n');
  repo = await openRepository(repoPath);
  await commitAll(mainCheckout(repo), 'initial');
  await ensureRunBranch(repo, RUN_BRANCH, 'main');
  wt = await ensureTaskWorktree(repo, workspace, RUN_BRANCH, 1);

  // What an agent without a sandbox can plant, all of it pointing at the marker.
  const evilGitDir = join(root, 'evil.git');
  await git(root, ['init', '-q', '--bare', evilGitDir]);
  writeFileSync(
    join(evilGitDir, 'config'),
    `${readFileSync(join(evilGitDir, 'config'), 'utf8')}${hostileConfig(join(root, 'evil-hooks'), hostileScript(root, 'fsmonitor-link'))}`,
  );
  writeFileSync(join(wt.path, '.git'), `gitdir: ${evilGitDir}\n`);
  mkdirSync(join(hostileHome, '.config', 'git'), { recursive: true });
  // A clean filter, switched on by a .gitattributes in the worktree: it runs on every `git add`.
  const homeConfig = `${hostileConfig(join(root, 'home-hooks'), hostileScript(root, 'fsmonitor-home'))}[filter "evil"]\n\tclean = ${hostileScript(root, 'clean-filter')}\n[diff "evil"]\n\ttextconv = ${hostileScript(root, 'textconv')}\n`;
  writeFileSync(join(wt.path, '.gitattributes'), '* filter=evil diff=evil\n');
  writeFileSync(join(hostileHome, '.gitconfig'), homeConfig);
  writeFileSync(join(hostileHome, '.config', 'git', 'config'), homeConfig);
  process.env.HOME = hostileHome;
  process.env.XDG_CONFIG_HOME = join(hostileHome, '.config');
  writeFileSync(
    join(repo.gitDir, 'config'),
    `${readFileSync(join(repo.gitDir, 'config'), 'utf8')}${hostileConfig(join(repo.gitDir, 'hooks'), hostileScript(root, 'fsmonitor-repo'))}`,
  );
});

afterAll(() => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe("the worker's git in a worktree an agent tampered with", () => {
  it('finds the worktree by what the repository recorded, not by its rewritten .git link', async () => {
    await ready();
    expect(findCheckout(repo, wt.path)).toEqual({
      path: wt.path,
      gitDir: join(repo.gitDir, 'worktrees', 'task-1'),
    });
    expect(findCheckout(repo, join(root, 'elsewhere'))).toBeNull();
  });

  it('commits, diffs, saves, discards, merges both ways, checks and removes without running any of it', async () => {
    await ready();
    writeFileSync(join(wt.path, 'app.js'), 'export const answer = 42;\n');
    writeFileSync(join(wt.path, 'feature.js'), 'export const feature = true;\n');
    expect(await isDirty(wt)).toBe(true);
    const commit = await commitAll(wt, 'the agent’s change');
    expect(await git(repoPath, ['rev-parse', wt.branch])).toBe(commit);
    expect(await commitsAhead(wt, RUN_BRANCH)).toBe(1);
    expect(await changedFiles(wt, RUN_BRANCH)).toEqual(['.gitattributes', 'app.js', 'feature.js']);
    expect(await diffOf(wt, RUN_BRANCH)).toContain('+export const feature = true;');

    writeFileSync(join(wt.path, 'scratch.txt'), 'half done\n');
    expect(await saveWip(wt, 1, 'refs/wh/wip/task-1/1')).toBe('refs/wh/wip/task-1/1');
    expect(await discardChanges(wt, 1, 'refs/wh/discarded/task-1/job-1')).toEqual(['scratch.txt']);

    const merged = await mergeTaskIntoRun(repo, workspace, RUN_BRANCH, wt.branch);
    expect(merged.ok).toBe(true);
    expect(await git(repoPath, ['show', `${RUN_BRANCH}:feature.js`])).toBe('export const feature = true;');
    // The run branch moved on (its merge commit): bringing the task branch up to date merges it in.
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'merged' });
    expect(await git(repoPath, ['rev-parse', wt.branch])).toBe(
      await git(repoPath, ['rev-parse', RUN_BRANCH]),
    );
    expect(await conflictsCheck(wt)).toEqual([]);
    writeFileSync(join(wt.path, 'last.txt'), 'kept\n');
    expect(await removeWorktree(repo, wt.path, 1, 'refs/wh/wip/task-1/2')).toBe('refs/wh/wip/task-1/2');
    expect(existsSync(wt.path)).toBe(false);
    expect(await git(repoPath, ['worktree', 'list'])).not.toContain('task-1');

    // Not one hook, fsmonitor or signing program ran, from the link, HOME or the repository.
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
    // And the agent's git folder got nothing: the work is in the repository.
    expect(await git(root, ['--git-dir', join(root, 'evil.git'), 'rev-list', '--all'])).toBe('');
  });
});
