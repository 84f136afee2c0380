/**
 * Bringing a task branch up to date with its run branch, with real git in temp folders: a clean merge is
 * committed, a conflicting one is left in the worktree with its markers and its files listed, a later
 * attempt goes on with the merge in progress instead of merging again, and the worker's commit concludes
 * it with both parents once the markers are gone (never while one remains).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupOnce } from '../../test/support/setup-once.ts';
import { wipRef } from '../domain/git-names.ts';
import { catchUpWithRunBranch } from './catch-up.ts';
import { conflictsCheck, halfResolvedMerge } from './conflicts.ts';
import { commitAll, git, mainCheckout, mergeInProgress, openRepository, type Repository } from './git.ts';
import { mergeTaskIntoRun } from './merge.ts';
import { ensureRunBranch, ensureTaskWorktree, saveWip, type TaskWorktree } from './worktrees.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-catch-up-'));
const repo = join(root, 'repo');
const workspace = join(root, 'data');
const RUN = 3;
const RUN_BRANCH = `wh/run-${RUN}`;
let repository: Repository;

const ready = setupOnce(async () => {
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  writeFileSync(join(repo, 'app.js'), 'export const answer = 1;\n');
  repository = await openRepository(repo);
  await commitAll(mainCheckout(repository), 'initial');
  await ensureRunBranch(repository, RUN_BRANCH, 'main');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Two tasks cut from the run branch together: the first writes `file` with `contents[0]` and is merged into
 * the run branch; the second (returned) wrote it with `contents[1]`, when given, and is now behind.
 */
async function racingTasks(first: number, second: number, file: string, contents: [string, string?]) {
  const merged = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, first);
  const behind = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, second);
  writeFileSync(join(merged.path, file), contents[0]);
  await commitAll(merged, `task ${first}`);
  if (contents[1] !== undefined) {
    writeFileSync(join(behind.path, file), contents[1]);
    await commitAll(behind, `task ${second}`);
  }
  expect((await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, merged.branch)).ok).toBe(true);
  return behind;
}

function parents(wt: TaskWorktree): Promise<string> {
  return git(wt.path, ['log', '-1', '--format=%P']);
}

describe('catchUpWithRunBranch', () => {
  it('does nothing to a task branch that holds the whole run branch', async () => {
    await ready();
    const wt = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 1);
    const head = await git(wt.path, ['rev-parse', 'HEAD']);
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'up-to-date' });
    expect(await git(wt.path, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('merges a run branch that moved on without a conflict, as a merge commit on the task branch', async () => {
    await ready();
    const wt = await racingTasks(10, 11, 'other.js', ['export const other = 10;\n']);
    writeFileSync(join(wt.path, 'mine.js'), 'export const mine = 11;\n');
    await commitAll(wt, 'mine');
    const before = await git(wt.path, ['rev-parse', 'HEAD']);

    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'merged' });
    expect((await parents(wt)).split(' ')).toEqual([before, await git(repo, ['rev-parse', RUN_BRANCH])]);
    expect(await git(wt.path, ['log', '-1', '--format=%s'])).toBe(
      `wh: merge ${RUN_BRANCH} into ${wt.branch}`,
    );
    expect(await git(wt.path, ['status', '--porcelain'])).toBe('');
    expect(await mergeInProgress(wt)).toBe(false);
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'up-to-date' });
  });

  it('leaves a conflicting merge in the worktree with its markers and lists the files', async () => {
    await ready();
    const wt = await racingTasks(20, 21, 'app.js', [
      'export const answer = 20;\n',
      'export const answer = 21;\n',
    ]);
    const before = await git(wt.path, ['rev-parse', 'HEAD']);

    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'conflicts', files: ['app.js'] });
    expect(await mergeInProgress(wt)).toBe(true);
    expect(await git(wt.path, ['rev-parse', 'HEAD'])).toBe(before);
    const content = readFileSync(join(wt.path, 'app.js'), 'utf8');
    expect(content).toContain(`${'<'.repeat(7)} HEAD`);
    expect(content).toContain(`${'>'.repeat(7)} ${RUN_BRANCH}`);
    expect(await halfResolvedMerge(wt)).toBe(true);
    expect(await conflictsCheck(wt)).toEqual([
      expect.objectContaining({
        severity: 'high',
        file: 'app.js',
        issue: 'conflict markers remain in app.js',
      }),
    ]);
  });

  it('goes on with a merge in progress on a later attempt, listing what still holds markers', async () => {
    await ready();
    const wt = await racingTasks(30, 31, 'app.js', [
      'export const answer = 30;\n',
      'export const answer = 31;\n',
    ]);
    writeFileSync(join(wt.path, 'README.md'), '# demo\n\nTask 31.\n');
    await commitAll(wt, 'readme');
    // The run branch changes README.md too, so both files conflict.
    const other = await ensureTaskWorktree(repository, workspace, RUN_BRANCH, 32);
    writeFileSync(join(other.path, 'README.md'), '# demo\n\nTask 32.\n');
    await commitAll(other, 'readme 32');
    expect((await mergeTaskIntoRun(repository, workspace, RUN_BRANCH, other.branch)).ok).toBe(true);
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'conflicts', files: ['README.md', 'app.js'] });
    const mergeHead = await git(wt.path, ['rev-parse', 'MERGE_HEAD']);

    // The first attempt's agent resolved one file and stopped; its work was saved as an agent's is.
    writeFileSync(join(wt.path, 'app.js'), 'export const answer = 30 + 31;\n');
    await saveWip(wt, 31, wipRef('0123abcd', 31, 1));
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'conflicts', files: ['README.md'] });
    expect(await git(wt.path, ['rev-parse', 'MERGE_HEAD'])).toBe(mergeHead);

    // The next one resolved the other: nothing is left to list, and the worker's commit concludes the merge.
    writeFileSync(join(wt.path, 'README.md'), '# demo\n\nTask 31.\nTask 32.\n');
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'conflicts', files: [] });
    expect(await halfResolvedMerge(wt)).toBe(false);
    const head = await git(wt.path, ['rev-parse', 'HEAD']);
    await commitAll(wt, 'resolved');
    expect((await parents(wt)).split(' ')).toEqual([head, mergeHead]);
    expect(await mergeInProgress(wt)).toBe(false);
    expect(await conflictsCheck(wt)).toEqual([]);
    expect(await git(wt.path, ['show', 'HEAD:README.md'])).toBe('# demo\n\nTask 31.\nTask 32.');
  });

  it('concludes a merge whose resolution is the task branch as it was', async () => {
    await ready();
    const wt = await racingTasks(40, 41, 'app.js', [
      'export const answer = 40;\n',
      'export const answer = 41;\n',
    ]);
    const head = await git(wt.path, ['rev-parse', 'HEAD']);
    await catchUpWithRunBranch(wt);
    writeFileSync(join(wt.path, 'app.js'), 'export const answer = 41;\n');
    await commitAll(wt, 'kept ours');
    expect((await parents(wt)).split(' ')).toEqual([head, await git(repo, ['rev-parse', RUN_BRANCH])]);
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'up-to-date' });
  });

  it('defers the merge while an earlier attempt left uncommitted work', async () => {
    await ready();
    const wt = await racingTasks(50, 51, 'app.js', [
      'export const answer = 50;\n',
      'export const answer = 51;\n',
    ]);
    writeFileSync(join(wt.path, 'half.js'), 'export const half =');
    expect(await catchUpWithRunBranch(wt)).toEqual({ state: 'deferred' });
    expect(await mergeInProgress(wt)).toBe(false);
    expect(readFileSync(join(wt.path, 'app.js'), 'utf8')).toBe('export const answer = 51;\n');
  });
});
