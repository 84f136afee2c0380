import { describe, expect, it } from 'vitest';
import { EVENT_MEANINGS, EVENT_TYPES, isEventType } from './event-types.ts';
import { EVENT_PAYLOADS, eventProblem } from './events.ts';

describe('the event catalogue', () => {
  it('gives every type a meaning and a payload schema, and nothing else', () => {
    expect(Object.keys(EVENT_PAYLOADS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(EVENT_MEANINGS[type]).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('knows its own types and no others', () => {
    expect(isEventType('job.claimed')).toBe(true);
    expect(isEventType('run.phase_changed')).toBe(true);
    expect(isEventType('run.phase_moved')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });

  it('accepts a catalogued payload and explains what is wrong with another', () => {
    expect(eventProblem('job.claimed', { kind: 'stage', attempt: 1, worker: 'w-1' })).toBeNull();
    expect(eventProblem('job.claimed', { kind: 'stage', attempt: 1 })).toBe(
      'job.claimed: worker Invalid input: expected string, received undefined',
    );
    expect(eventProblem('job.claimed', { kind: 'stage', attempt: 1, worker: 'w', more: 1 })).toMatch(
      /^job\.claimed: \(payload\) Unrecognized key: "more"/,
    );
    expect(eventProblem('job.claimed', null)).toMatch(/^job\.claimed: \(payload\) Invalid input/);
    // Every problem, each at its path inside the payload.
    expect(
      eventProblem('run.planned', {
        from: 'planning',
        to: 'building',
        task_ids: {},
        job: { kind: 'planning' },
      }),
    ).toBe(
      'run.planned: job.attempt Invalid input: expected number, received undefined; ' +
        'job.state Invalid input: expected string, received undefined',
    );
    expect(eventProblem('nothing.happened', {})).toBe('"nothing.happened" is not a catalogued event type');
  });
});
