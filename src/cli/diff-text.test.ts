import { describe, expect, it } from 'vitest';
import type { TaskDiff } from '../contracts/reviews.ts';
import { diffSummary, unifiedDiff } from './diff-text.ts';

const diff: TaskDiff = {
  task_id: 3,
  run_branch: 'wh/abc/run-1',
  task_branch: 'wh/abc/run-1/task-3',
  branches_found: true,
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  commits: [
    { sha: 'b'.repeat(40), subject: 'search', author: 'dev', authored_at: '2026-01-01T00:00:00.000Z' },
  ],
  stats: { files: 2, additions: 2, deletions: 1 },
  files: [
    {
      path: 'src/app.js',
      old_path: 'src/app.js',
      status: 'modified',
      additions: 1,
      deletions: 1,
      hunks: [
        {
          header: '@@ -1,2 +1,2 @@ function list()',
          old_start: 1,
          old_lines: 2,
          new_start: 1,
          new_lines: 2,
          lines: [
            { kind: 'same', text: 'const items = [];', old_no: 1, new_no: 1 },
            { kind: 'del', text: 'find(q)', old_no: 2, new_no: null },
            { kind: 'add', text: 'find(q.toLowerCase())', old_no: null, new_no: 2 },
          ],
        },
      ],
    },
    {
      path: 'NOTES.md',
      old_path: 'NOTES.md',
      status: 'added',
      additions: 1,
      deletions: 0,
      hunks: [
        {
          header: '@@ -0,0 +1 @@',
          old_start: 0,
          old_lines: 0,
          new_start: 1,
          new_lines: 1,
          lines: [{ kind: 'add', text: 'Search ignores case.', old_no: null, new_no: 1 }],
        },
      ],
    },
  ],
  truncated: false,
};

describe('a task diff as text', () => {
  it('writes the unified diff git would print, /dev/null for an added file', () => {
    expect(unifiedDiff(diff).split('\n')).toEqual([
      'diff --git a/src/app.js b/src/app.js',
      '--- a/src/app.js',
      '+++ b/src/app.js',
      '@@ -1,2 +1,2 @@ function list()',
      ' const items = [];',
      '-find(q)',
      '+find(q.toLowerCase())',
      'diff --git a/NOTES.md b/NOTES.md',
      '--- /dev/null',
      '+++ b/NOTES.md',
      '@@ -0,0 +1 @@',
      '+Search ignores case.',
    ]);
  });

  it('sums it up in one line, and says when a task has no branch', () => {
    expect(diffSummary(diff)).toBe('wh/abc/run-1/task-3 against wh/abc/run-1: 1 commits, 2 files, +2 -1');
    expect(diffSummary({ ...diff, branches_found: false })).toBe(
      'task 3 has no branch yet (it has not been through dev)',
    );
  });
});
