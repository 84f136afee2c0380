import { describe, expect, it } from 'vitest';
import {
  discardedRef,
  finalWipRef,
  runBranchName,
  runWorktreeFolders,
  taskBranchName,
  taskRefFolders,
  wipRef,
} from './git-names.ts';

describe('the names Workhorse gives in a repository', () => {
  it("carry the installation's id, so two installations never name a branch or ref alike", () => {
    expect(runBranchName('0a1b2c3d', 1)).toBe('wh/0a1b2c3d/run-1');
    expect(runBranchName('ffffffff', 1)).not.toBe(runBranchName('0a1b2c3d', 1));
    expect(wipRef('0a1b2c3d', 4, 2)).toBe('refs/wh/0a1b2c3d/wip/task-4/2');
    expect(finalWipRef('0a1b2c3d', 4)).toBe('refs/wh/0a1b2c3d/wip/task-4/final');
    expect(discardedRef('0a1b2c3d', 4, 17)).toBe('refs/wh/0a1b2c3d/discarded/task-4/job-17');
    expect(taskRefFolders('0a1b2c3d', 4)).toEqual({
      wip: 'refs/wh/0a1b2c3d/wip/task-4/',
      discarded: 'refs/wh/0a1b2c3d/discarded/task-4/',
    });
  });

  it("derive a task's branch from its run's stored branch, old names included", () => {
    expect(taskBranchName('wh/0a1b2c3d/run-1', 3)).toBe('wh/0a1b2c3d/run-1-task-3');
    expect(taskBranchName('wh/run-1', 3)).toBe('wh/run-1-task-3');
  });

  it("put a run's worktrees in its installation's folder, or where a run made before ids had them", () => {
    expect(runWorktreeFolders('wh/0a1b2c3d/run-12')).toEqual(['0a1b2c3d', 'run-12']);
    expect(runWorktreeFolders('wh/run-12')).toEqual(['run-12']);
  });

  it('refuse an installation id or a run branch that is not theirs to make a ref or a path of', () => {
    for (const id of ['', 'wip', '0A1B2C3D', '0a1b2c3', '../etc/x', '0a1b2c3d/'])
      expect(() => runBranchName(id, 1), id).toThrow(/eight hex digits/);
    expect(() => wipRef('wip', 1, 1)).toThrow(/eight hex digits/);
    for (const branch of ['main', 'wh/run-1-task-2', 'wh/../../run-1', 'wh/0a1b2c3d/run-x', 'x/wh/run-1'])
      expect(() => runWorktreeFolders(branch), branch).toThrow(/not a Workhorse run branch/);
  });
});
