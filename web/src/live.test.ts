import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/domain/event-types.ts';
import type { WhEvent } from './api.ts';
import { addsInterventions, affectsApprovals, changesBranches, endsAttempt, movesJob } from './live.ts';

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

  it("reads them when an LLM review's item asked a person, from the one event that names its items", () => {
    const reviewed = (...interventions: Record<string, unknown>[]) =>
      event('director.reviewed', { interventions, ignored: 0 });
    expect(affectsApprovals(reviewed({ action: 'note', outcome: { note_id: 1 } }))).toBe(false);
    expect(
      affectsApprovals(
        reviewed(
          { action: 'note', outcome: { note_id: 1 } },
          { action: 'escalate', outcome: { approval_id: 7, held_job_id: null } },
        ),
      ),
    ).toBe(true);
    expect(affectsApprovals(reviewed())).toBe(false);
  });
});

describe("which events add to the Director's interventions", () => {
  const event = (type: string, payload: Record<string, unknown>) => ({ type, payload }) as unknown as WhEvent;

  it("a rule's intervention, and a review that applied at least one item", () => {
    expect(addsInterventions(event('director.intervened', { action: 'warn' }))).toBe(true);
    expect(addsInterventions(event('director.reviewed', { interventions: [{ action: 'note' }] }))).toBe(true);
    expect(addsInterventions(event('director.reviewed', { interventions: [], ignored: 2 }))).toBe(false);
    expect(addsInterventions(event('director.updated', { enabled: true }))).toBe(false);
  });
});

describe('which events end or move a job attempt', () => {
  const event = (type: string, jobId: number | null, payload: Record<string, unknown> = {}) =>
    ({ type, job_id: jobId, payload }) as unknown as WhEvent;

  it("ends one at a job's own end, or at the outcome its handler applied, which carries the job", () => {
    expect(endsAttempt(event('job.dead', 3))).toBe(true);
    expect(endsAttempt(event('task.stage_result', 3, { job: { kind: 'stage', state: 'succeeded' } }))).toBe(
      true,
    );
    expect(endsAttempt(event('task.stage_result', 3))).toBe(false);
    expect(endsAttempt(event('task.stage_set', null, { job: {} }))).toBe(false);
    expect(endsAttempt(event('job.output', 3))).toBe(false);
  });

  it('moves one when it is claimed, given back or cancelled too', () => {
    for (const type of ['job.claimed', 'job.released', 'job.cancelled'])
      expect(movesJob(event(type, 3)), type).toBe(true);
    expect(movesJob(event('job.output', 3))).toBe(false);
  });
});
