import { describe, expect, it } from 'vitest';
import type { RunPhase } from '../domain/run-phases.ts';
import type { Stage } from '../domain/stages.ts';
import type { WorktreeOwner } from '../services/worktree-owners.ts';
import { mayRemoveWorktree } from './worktree-sweep.ts';

function owner(phase: RunPhase, stages: Record<number, Stage> = {}, inUse: string[] = []): WorktreeOwner {
  return {
    runId: 1,
    phase,
    branch: 'wh/0a1b2c3d/run-1',
    projectId: 1,
    repository: '/repo',
    taskStages: new Map(Object.entries(stages).map(([id, stage]) => [Number(id), stage])),
    inUse: new Set(inUse),
  };
}

describe('which worktrees may go', () => {
  it.each([
    ['planning', owner('planning'), false],
    ['planning', owner('building'), true],
    ['planning', owner('building', {}, ['planning']), false],
    ['integration', owner('testing'), false],
    ['integration', owner('ready_for_commit'), false],
    ['integration', owner('killed'), true],
    ['integration', owner('deployed', {}, ['integration']), false],
    ['task-3', owner('building', { 3: 'complete' }), true],
    ['task-3', owner('building', { 3: 'docs' }), false],
    ['task-3', owner('building', { 3: 'complete' }, ['task-3']), false],
    ['task-3', owner('failed', { 3: 'dev' }), true],
    ['task-3', owner('killed', { 4: 'dev' }), false],
    ['notes', owner('killed'), false],
    ['task-3', undefined, false],
  ] as const)('case %#: %s may go: %s', (name, of, expected) => {
    expect(mayRemoveWorktree(name, of)).toBe(expected);
  });
});
