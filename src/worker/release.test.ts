/**
 * The release step with real git: merging a run branch into the default branch (checked out in the user's
 * checkout or not checked out at all), what git refuses (a conflict, local changes in the way, a rejected
 * push), a retried release, and pushing to a remote.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveRelease } from '../domain/release.ts';
import { commitAll, git, mainCheckout, openRepository, type Repository } from './git.ts';
import { PermanentJobError } from './handler.ts';
import { diffSummary, type ReleaseTarget, releaseRun } from './release.ts';

let root: string;
let repo: Repository;
const lines: string[] = [];
const say = (line: string) => lines.push(line);

async function commitFile(file: string, content: string, message: string): Promise<void> {
  writeFileSync(join(root, 'repo', file), content);
  await commitAll(mainCheckout(repo), message);
}

function target(overrides: Partial<ReleaseTarget> = {}): ReleaseTarget {
  return {
    repo,
    workspace: join(root, 'data'),
    runBranch: 'wh/run-1',
    defaultBranch: 'main',
    remoteRepository: false,
    goal: 'Add a feature',
    ...overrides,
  };
}

const inRepo = (args: string[]) => git(join(root, 'repo'), args);

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'wh-release-'));
  lines.length = 0;
  await git(root, ['init', '-q', '-b', 'main', 'repo']);
  repo = await openRepository(join(root, 'repo'));
  await commitFile('app.js', 'export const answer = 1;\n', 'initial');
  // The run branch changes app.js and adds a file; main stays checked out in the user's checkout.
  await inRepo(['checkout', '-q', '-b', 'wh/run-1']);
  await commitFile('feature.js', 'export const feature = true;\n', 'feature');
  await inRepo(['checkout', '-q', 'main']);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('diffSummary', () => {
  it('counts the run branch against the default branch', async () => {
    expect(await diffSummary(repo, 'main', 'wh/run-1')).toEqual({
      base: 'main',
      head: 'wh/run-1',
      commits: 1,
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
      files: ['feature.js'],
    });
  });
});

describe('releaseRun: merge', () => {
  it('merges with a merge commit and fast-forwards the clean checkout that has main', async () => {
    const before = await inRepo(['rev-parse', 'main']);
    const runHead = await inRepo(['rev-parse', 'wh/run-1']);
    const merged = await releaseRun(target(), resolveRelease({}), say);
    expect(await inRepo(['rev-parse', 'main'])).toBe(merged);
    expect((await inRepo(['log', '-1', '--format=%P', 'main'])).split(' ')).toEqual([before, runHead]);
    expect(await inRepo(['log', '-1', '--format=%s', 'main'])).toBe('Merge wh/run-1 into main');
    // The user's files followed the branch: nothing looks changed.
    expect(await inRepo(['status', '--porcelain'])).toBe('');
    expect(lines.at(-1)).toBe(`release: merged wh/run-1 into main as ${merged}`);
    // Its own worktree is gone again.
    expect(await inRepo(['worktree', 'list', '--porcelain'])).not.toContain(join(root, 'data'));
  });

  it("keeps the user's unrelated local changes, and refuses (changing nothing) when they are in the way", async () => {
    writeFileSync(join(root, 'repo', 'app.js'), 'export const answer = 2; // local edit\n');
    const merged = await releaseRun(target(), resolveRelease({}), say);
    expect(await inRepo(['rev-parse', 'main'])).toBe(merged);
    expect(await inRepo(['status', '--porcelain'])).toBe('M app.js');

    // A second run adds other.js while the user has an untracked other.js of their own in the way.
    await inRepo(['stash', '-q']);
    await inRepo(['checkout', '-q', '-b', 'wh/run-2']);
    await commitFile('other.js', 'export const other = 1;\n', 'other');
    await inRepo(['checkout', '-q', 'main']);
    writeFileSync(join(root, 'repo', 'other.js'), 'mine\n');
    const before = await inRepo(['rev-parse', 'main']);
    const refused = releaseRun(target({ runBranch: 'wh/run-2' }), resolveRelease({}), say);
    await expect(refused).rejects.toThrow(PermanentJobError);
    await expect(refused).rejects.toThrow(`the checkout at ${join(root, 'repo')}`);
    expect(await inRepo(['rev-parse', 'main'])).toBe(before);
  });

  it('moves main itself when no checkout has it, and only from where it was', async () => {
    await inRepo(['checkout', '-q', '--detach']);
    const merged = await releaseRun(target(), resolveRelease({}), say);
    expect(await inRepo(['rev-parse', 'main'])).toBe(merged);
  });

  it('a retried release of a run already merged releases nothing twice', async () => {
    const merged = await releaseRun(target(), resolveRelease({}), say);
    expect(await releaseRun(target(), resolveRelease({}), say)).toBe(merged);
    expect(await inRepo(['rev-list', '--count', '--merges', 'main'])).toBe('1');
    expect(lines.at(-1)).toContain('already merged');
  });

  it('a run branch that conflicts with main is refused with the files named, main unchanged', async () => {
    await inRepo(['checkout', '-q', 'wh/run-1']);
    await commitFile('app.js', 'export const answer = 3;\n', 'run edit');
    await inRepo(['checkout', '-q', 'main']);
    await commitFile('app.js', 'export const answer = 4;\n', 'main edit');
    const before = await inRepo(['rev-parse', 'main']);
    await expect(releaseRun(target(), resolveRelease({}), say)).rejects.toThrow(
      /cannot merge wh\/run-1 into main: it conflicts in app\.js/,
    );
    expect(await inRepo(['rev-parse', 'main'])).toBe(before);
    expect(await inRepo(['status', '--porcelain'])).toBe('');
  });
});

describe('releaseRun: push and none', () => {
  it('pushes the run branch to the remote, and says why when the remote refuses', async () => {
    await git(root, ['init', '-q', '--bare', 'remote.git']);
    await inRepo(['remote', 'add', 'origin', join(root, 'remote.git')]);
    const pushed = await releaseRun(target(), resolveRelease({ mode: 'push' }), say);
    expect(await git(join(root, 'remote.git'), ['rev-parse', 'wh/run-1'])).toBe(pushed);

    await inRepo(['remote', 'add', 'gone', join(root, 'no-such-remote.git')]);
    await expect(releaseRun(target(), resolveRelease({ mode: 'push', remote: 'gone' }), say)).rejects.toThrow(
      /could not push wh\/run-1 to gone/,
    );
  });

  it('none releases nothing', async () => {
    const before = await inRepo(['rev-parse', 'main']);
    expect(await releaseRun(target(), resolveRelease({ mode: 'none' }), say)).toBeNull();
    expect(await inRepo(['rev-parse', 'main'])).toBe(before);
  });
});
