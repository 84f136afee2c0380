import { describe, expect, it } from 'vitest';
import {
  canMoveJob,
  isFinal,
  isJobState,
  isOpen,
  isRetryable,
  JOB_KINDS,
  JOB_STATES,
  type JobState,
} from './job-states.ts';

const ALL_STATES: JobState[] = ['held', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead'];

/** Every allowed job move, written out; any pair not listed must be refused. */
const ALLOWED: Record<JobState, JobState[]> = {
  held: ['queued', 'cancelled'],
  queued: ['running', 'held', 'cancelled'],
  running: ['succeeded', 'failed', 'queued', 'dead', 'cancelled'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
  dead: ['queued'],
};

const FINAL: JobState[] = ['succeeded', 'failed', 'cancelled', 'dead'];
const OPEN: JobState[] = ['held', 'queued', 'running'];
const RETRYABLE: JobState[] = ['failed', 'cancelled', 'dead'];
const NON_MEMBERS: unknown[] = ['DEV', '', undefined, 3, null, 'Queued', 'pending', 'complete'];

describe('job constants', () => {
  it('lists states and kinds', () => {
    expect([...JOB_STATES]).toEqual(ALL_STATES);
    expect([...JOB_KINDS]).toEqual([
      'planning',
      'stage',
      'merge',
      'integration_test',
      'deploy',
      'director_review',
    ]);
  });

  it.each([
    ['JOB_STATES', JOB_STATES],
    ['JOB_KINDS', JOB_KINDS],
  ])('%s is frozen', (_name, value) => {
    expect(Object.isFrozen(value)).toBe(true);
  });
});

describe('isJobState', () => {
  it.each(ALL_STATES)('accepts %s', (state) => {
    expect(isJobState(state)).toBe(true);
  });

  it.each(NON_MEMBERS)('rejects %o', (value) => {
    expect(isJobState(value)).toBe(false);
  });
});

describe('state predicates', () => {
  it.each(
    ALL_STATES.map(
      (state) => [state, FINAL.includes(state), OPEN.includes(state), RETRYABLE.includes(state)] as const,
    ),
  )('%s: final=%s open=%s retryable=%s', (state, final, open, retryable) => {
    expect(isFinal(state)).toBe(final);
    expect(isOpen(state)).toBe(open);
    expect(isRetryable(state)).toBe(retryable);
  });

  it.each(ALL_STATES)('%s is exactly one of open or final', (state) => {
    expect(isOpen(state)).not.toBe(isFinal(state));
  });

  it.each(['DEV', ''])('non-state %o is neither final, open nor retryable', (value) => {
    expect(isFinal(value as JobState)).toBe(false);
    expect(isOpen(value as JobState)).toBe(false);
    expect(isRetryable(value as JobState)).toBe(false);
  });
});

describe('canMoveJob', () => {
  const cases = ALL_STATES.flatMap((from) =>
    ALL_STATES.map((to) => [from, to, ALLOWED[from].includes(to)] as const),
  );

  it('allows from each state exactly its row of the table, as a whole', () => {
    for (const from of ALL_STATES)
      expect(ALL_STATES.filter((to) => canMoveJob(from, to)).sort()).toEqual([...ALLOWED[from]].sort());
  });

  it.each(cases)('canMoveJob(%s, %s) -> %s', (from, to, expected) => {
    expect(canMoveJob(from, to)).toBe(expected);
  });

  it('succeeded is a dead end', () => {
    for (const to of ALL_STATES) expect(canMoveJob('succeeded', to)).toBe(false);
  });

  it.each(RETRYABLE)('retryable %s can only be re-queued', (state) => {
    expect(ALL_STATES.filter((to) => canMoveJob(state, to))).toEqual(['queued']);
  });
});
