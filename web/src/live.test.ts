import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/domain/event-types.ts';
import type { WhEvent } from './api.ts';
import { affectsApprovals, changesBranches } from './live.ts';

describe('which events make the run page read its branches again', () => {
  it('reads them after stage moves, job ends and run changes', () => {
    for (const type of [
      'task.stage_result',
      'task.stage_set',
      'job.succeeded',
      'job.released',
      'run.deployed',
    ])
      expect(changesBranches(type), type).toBe(true);
  });

  it('ignores log lines and what touches no git ref', () => {
    for (const type of ['job.output', 'task.updated', 'task.created', 'approval.decided'])
      expect(changesBranches(type), type).toBe(false);
  });

  it('names only catalogued events', () => {
    const chosen = EVENT_TYPES.filter(changesBranches);
    expect(chosen).toContain('run.phase_changed');
    expect(chosen).not.toContain('job.output');
  });
});

describe('which events make approval lists read again', () => {
  const event = (type: string, payload: Record<string, unknown>) => ({ type, payload }) as unknown as WhEvent;

  it('reads them when the Director pauses a run at its budget, not at its warnings', () => {
    expect(affectsApprovals(event('director.intervened', { action: 'pause' }))).toBe(true);
    expect(affectsApprovals(event('director.intervened', { action: 'warn' }))).toBe(false);
  });
});
