/**
 * Worktrees with real git in temp folders: run and task branches, WIP refs that keep uncommitted work
 * (untracked files too) without touching the branch, and merging a task into its run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupOnce } from '../../test/support/setup-once.ts';
import { runBranchName, taskBranchName, wipRef } from '../domain/git-names.ts';
import { commitAll, git, headOf, mainCheckout, openRepository, type Repository } from './git.ts';
import { PermanentJobError } from './handler.ts';
import { mergeTaskIntoRun } from './merge.ts';
import { ensureRunBranch, ensureTaskWorktree, removeWorktree, saveWip } from './worktrees.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-worktrees-'));
const repo = join(root, 'repo');
const workspace = join(root, 'data');
const RUN = 7;
const INSTALLATION = '0a1b2c3d';
const RUN_BRANCH = runBranchName(INSTALLATION, RUN);
const RUN_FOLDER = join(workspace, 'worktrees', INSTALLATION, `run-${RUN}`);
let repository: Repository;

async function makeRepo(): Promise<void> {
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  writeFileSync(join(repo, 'app.js'), 'export const answer = 1;\n');
  repository = await openRepository(repo);
  await commitAll(mainCheckout(repository), 'initial');
}

function show(ref: string, file: string): Promise<string> {
  return git(repo, ['show', `${ref}:${file}`]);
}

const ready = setupOnce(async () => {
  await makeRepo();
  await ensureRunBranch(repository, RUN_BRANCH, 'main');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('branches and worktrees', () => {
  it('cuts the run branch from the default branch, once, and leaves it when it exists', async () => {
    await ready();
    expect(await git(repo, ['rev-parse', RUN_BRANCH])).toBe(await git(repo, ['rev-parse', 'main']));
    writeFileSync(join(repo, 'later.txt'), 'later\n');
    await commitAll(mainCheckout(repository), 'later on main');
    await ensureRunBranch(repository, RUN_BRANCH, 'main');
    expect(await git(repo, ['rev-parse', RUN_BRANCH])).not.toBe(await git(repo, ['rev-parse', 'main']));
  });

  it("cuts a run branch once when the run's first jobs ask for it at the same moment", async () => {
    await ready();
    const branch = 'wh/0a1b2c3d/run-8';
    await Promise.all(Array.from({ length: 8 }, () => ensureRunBranch(repository, branch, 'main')));
    expect(await git(repo, ['rev-parse', branch])).toBe(await git(repo, ['rev-parse', 'main']));
  });

  it('puts a task in its own worktree on <run branch>-task-<t>, cut from the run branch', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 1);
    expect(wt).toEqual({
      path: join(RUN_FOLDER, 'task-1'),
      gitDir: join(repo, '.git', 'worktrees', 'task-1'),
      branch: 'wh/0a1b2c3d/run-7-task-1',
      base: RUN_BRANCH,
    });
    expect(taskBranchName(RUN_BRANCH, 1)).toBe(wt.branch);
    expect(await git(wt.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('wh/0a1b2c3d/run-7-task-1');
    expect(await headOf(wt)).toBe(await git(repo, ['rev-parse', RUN_BRANCH]));
    expect(existsSync(join(wt.path, 'later.txt'))).toBe(false);
    // Asking again reuses the worktree as it is.
    writeFileSync(join(wt.path, 'scratch.txt'), 'kept\n');
    const again = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 1);
    expect(readFileSync(join(again.path, 'scratch.txt'), 'utf8')).toBe('kept\n');
    rmSync(join(again.path, 'scratch.txt'));
  });
});

describe('a branch checked out where this installation did not put it', () => {
  it('fails the job for good, naming the branch and the path that holds it', async () => {
    await ready();
    const branch = taskBranchName(RUN_BRANCH, 9);
    const foreign = join(root, 'another-installation', 'task-9');
    await git(repo, ['worktree', 'add', '-q', '-b', branch, foreign, RUN_BRANCH]);
    const attempt = ensureTaskWorktree(repository, workspace, RUN_BRANCH, 9);
    await expect(attempt).rejects.toBeInstanceOf(PermanentJobError);
    await expect(attempt).rejects.toThrow(`branch ${branch} is already checked out at ${foreign}`);
    // Nothing of the foreign worktree was touched, and no folder was left for the task.
    expect(await git(foreign, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(branch);
    expect(existsSync(join(RUN_FOLDER, 'task-9'))).toBe(false);
  });

  it('takes back its own stale worktree of the same task (a folder deleted, git still holding it)', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 10);
    rmSync(wt.path, { recursive: true, force: true });
    // Git still lists the branch as checked out at the (gone) path until the entry is forgotten.
    expect(await git(repo, ['worktree', 'list', '--porcelain'])).toContain(`refs/heads/${wt.branch}`);
    expect((await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 10)).path).toBe(wt.path);
  });

  it('keeps the names of a run made before installations had ids', async () => {
    await ready();
    await ensureRunBranch(repository, 'wh/run-3', 'main');
    const wt = await ensureTaskWorktree(repository, workspace, 'wh/run-3', 1);
    expect(wt.branch).toBe('wh/run-3-task-1');
    expect(wt.path).toBe(join(workspace, 'worktrees', 'run-3', 'task-1'));
  });
});

describe('work in progress', () => {
  it('saves modified and untracked files at a WIP ref, changing nothing else', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 2);
    const head = await headOf(wt);
    const wip = wipRef(INSTALLATION, 2, 1);
    expect(await saveWip(wt, 2, wip)).toBeNull();
    writeFileSync(join(wt.path, 'app.js'), 'export const answer = 42;\n');
    writeFileSync(join(wt.path, 'new-file.js'), 'export const fresh = true;\n');
    const status = await git(wt.path, ['status', '--porcelain']);

    const ref = await saveWip(wt, 2, wip);
    expect(ref).toBe('refs/wh/0a1b2c3d/wip/task-2/1');
    expect(await show(ref!, 'app.js')).toBe('export const answer = 42;');
    expect(await show(ref!, 'new-file.js')).toBe('export const fresh = true;');
    expect(await git(repo, ['rev-parse', `${ref}^`])).toBe(head);
    // The branch, the index and the files are as they were.
    expect(await headOf(wt)).toBe(head);
    expect(await git(wt.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('wh/0a1b2c3d/run-7-task-2');
    expect(await git(wt.path, ['status', '--porcelain'])).toBe(status);
    expect(readFileSync(join(wt.path, 'new-file.js'), 'utf8')).toBe('export const fresh = true;\n');
    expect(readdirSync(RUN_FOLDER).filter((name) => name.startsWith('.wip-index'))).toEqual([]);
  });

  it('removes a worktree with uncommitted edits, keeping them at the WIP ref and the branch in place', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 3);
    writeFileSync(join(wt.path, 'README.md'), '# demo\n\nhalf-written docs\n');
    writeFileSync(join(wt.path, 'untracked.txt'), 'only here\n');
    const ref = await removeWorktree(repository, wt.path, 3, wipRef(INSTALLATION, 3, 2));
    expect(ref).toBe('refs/wh/0a1b2c3d/wip/task-3/2');
    expect(existsSync(wt.path)).toBe(false);
    expect(await show(ref!, 'README.md')).toBe('# demo\n\nhalf-written docs');
    expect(await show(ref!, 'untracked.txt')).toBe('only here');
    expect(await git(repo, ['rev-parse', '--verify', `refs/heads/${RUN_BRANCH}-task-3`])).toMatch(
      /^[0-9a-f]{40}$/,
    );
    expect(await git(repo, ['worktree', 'list'])).not.toContain('task-3');
    // Removing what is already gone is a no-op; a new worktree for the task starts from its branch.
    expect(await removeWorktree(repository, wt.path, 3, wipRef(INSTALLATION, 3, 2))).toBeNull();
    const back = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 3);
    expect(existsSync(join(back.path, 'untracked.txt'))).toBe(false);
  });
});

describe('mergeTaskIntoRun', () => {
  it('merges a task branch into the run branch', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 4);
    writeFileSync(join(wt.path, 'feature.js'), 'export const feature = 1;\n');
    const commit = await commitAll(wt, 'feature');
    const merged = await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, wt.branch);
    expect(merged.ok).toBe(true);
    const head = await git(repo, ['rev-parse', RUN_BRANCH]);
    expect(merged).toEqual({ ok: true, head });
    expect(await git(repo, ['merge-base', '--is-ancestor', commit!, RUN_BRANCH]).then(() => true)).toBe(true);
    expect(await show(RUN_BRANCH, 'feature.js')).toBe('export const feature = 1;');
  });

  it('merges over what a test run left untracked in the integration worktree', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 8);
    writeFileSync(join(wt.path, 'report.txt'), 'from the task\n');
    await commitAll(wt, 'report');
    writeFileSync(join(RUN_FOLDER, 'integration', 'report.txt'), 'left by a test\n');
    expect(await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, wt.branch)).toMatchObject({
      ok: true,
    });
    expect(await show(RUN_BRANCH, 'report.txt')).toBe('from the task');
  });

  it('throws a merge that failed for another reason than a conflict: it is no finding for the task', async () => {
    await ready();
    await expect(
      mergeTaskIntoRun(repository, workspace, RUN_BRANCH, `${RUN_BRANCH}-task-404`),
    ).rejects.toThrow(/git merge .* failed .*run-7-task-404/);
  });

  it('aborts a conflicting merge and returns a finding naming the file', async () => {
    await ready();
    const a = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 5);
    const b = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 6);
    writeFileSync(join(a.path, 'app.js'), 'export const answer = 5;\n');
    writeFileSync(join(b.path, 'app.js'), 'export const answer = 6;\n');
    await commitAll(a, 'five');
    await commitAll(b, 'six');
    expect((await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, a.branch)).ok).toBe(true);
    const before = await git(repo, ['rev-parse', RUN_BRANCH]);

    const conflict = await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, b.branch);
    expect(conflict.ok).toBe(false);
    if (conflict.ok) return;
    expect(conflict.finding).toMatchObject({ severity: 'high', file: 'app.js' });
    expect(conflict.finding.issue).toContain('app.js');
    expect(conflict.finding.issue).toContain(b.branch);
    expect(await git(repo, ['rev-parse', RUN_BRANCH])).toBe(before);
    const integration = join(RUN_FOLDER, 'integration');
    expect(await git(integration, ['status', '--porcelain'])).toBe('');
    expect(existsSync(join(repo, '.git', 'worktrees', 'integration', 'MERGE_HEAD'))).toBe(false);
  });
});
