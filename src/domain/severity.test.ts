import { describe, expect, it } from 'vitest';
import {
  FINDING_SOURCES,
  FINDING_STATUSES,
  isBlocking,
  isSeverity,
  PRIORITY_MAX,
  PRIORITY_MIN,
  priorityForSeverity,
  SEVERITIES,
  type Severity,
} from './severity.ts';

const ALL_SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
const NON_MEMBERS: unknown[] = ['DEV', '', undefined, 3, null, 'Critical', 'info', 'blocker'];

describe('severity constants', () => {
  it('lists severities, statuses and sources', () => {
    expect([...SEVERITIES]).toEqual(ALL_SEVERITIES);
    expect([...FINDING_STATUSES]).toEqual(['open', 'fixed', 'wont_fix', 'duplicate']);
    expect([...FINDING_SOURCES]).toEqual(['qa', 'sec', 'docs', 'gate', 'director', 'manual', 'review']);
  });

  it.each([
    ['SEVERITIES', SEVERITIES],
    ['FINDING_STATUSES', FINDING_STATUSES],
    ['FINDING_SOURCES', FINDING_SOURCES],
  ])('%s is frozen', (_name, value) => {
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('has a priority range of 1..10', () => {
    expect(PRIORITY_MIN).toBe(1);
    expect(PRIORITY_MAX).toBe(10);
  });
});

describe('isSeverity', () => {
  it.each(ALL_SEVERITIES)('accepts %s', (severity) => {
    expect(isSeverity(severity)).toBe(true);
  });

  it.each(NON_MEMBERS)('rejects %o', (value) => {
    expect(isSeverity(value)).toBe(false);
  });
});

describe('priorityForSeverity and isBlocking', () => {
  it.each([
    ['critical', 10, true],
    ['high', 10, true],
    ['medium', 7, false],
    ['low', 5, false],
  ] as const)('%s: priority %i, blocking %s', (severity, priority, blocking) => {
    expect(priorityForSeverity(severity)).toBe(priority);
    expect(isBlocking(severity)).toBe(blocking);
  });

  it.each(ALL_SEVERITIES)('priority of %s lies within PRIORITY_MIN..PRIORITY_MAX', (severity) => {
    const priority = priorityForSeverity(severity);
    expect(Number.isInteger(priority)).toBe(true);
    expect(priority).toBeGreaterThanOrEqual(PRIORITY_MIN);
    expect(priority).toBeLessThanOrEqual(PRIORITY_MAX);
  });

  it.each(['DEV', ''])('non-severity %o is not blocking', (value) => {
    expect(isBlocking(value as Severity)).toBe(false);
  });
});
