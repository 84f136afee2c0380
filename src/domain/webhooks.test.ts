import { describe, expect, it } from 'vitest';
import { expandEventTypes, parseRetryAfter, RETRY_SCHEDULE_MS, retryDelayMs } from './webhooks.ts';

describe('webhook rules', () => {
  it('expands the old aliases into catalogued types and names an unknown one', () => {
    expect(expandEventTypes(['run_created', 'state_change']).types).toEqual([
      'run.created',
      'run.phase_changed',
      'task.stage_advanced',
      'task.stage_set',
      'task.stage_result',
    ]);
    expect(expandEventTypes(['run.created', 'run.exploded'])).toEqual({
      types: null,
      unknown: 'run.exploded',
    });
  });

  it('retries for about three days, jittered by at most 10%, then gives up', () => {
    const total = RETRY_SCHEDULE_MS.reduce((sum, step) => sum + step, 0);
    expect(total / 3_600_000).toBeGreaterThan(60);
    expect(total / 3_600_000).toBeLessThan(80);
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, null, 0)).toBe(4500);
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, null, 0.999)).toBeLessThanOrEqual(5500);
    expect(retryDelayMs(RETRY_SCHEDULE_MS.length + 1, RETRY_SCHEDULE_MS, null, 0.5)).toBeNull();
  });

  it('honours Retry-After in seconds or as an HTTP date, up to a day', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:10:00 GMT', now)).toBe(600_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, 120_000, 0.5)).toBe(120_000);
    expect(retryDelayMs(1, RETRY_SCHEDULE_MS, 10 * 86_400_000, 0.5)).toBe(86_400_000);
  });
});
