/**
 * Report parsing, strict where it matters and tolerant elsewhere: every way a report can be unusable gets
 * a line a person can act on; severities are normalised; a plan's keys, acceptance criteria and
 * dependencies are checked, and its order puts every task after the ones it waits for.
 */
import { describe, expect, it } from 'vitest';
import { parseReport, planOrder, planSchema, reviewReportSchema } from './reports.ts';

const review = (text: string | null) => parseReport(reviewReportSchema, 'bugs.json', text);
const plan = (value: unknown) => parseReport(planSchema, 'tasks.json', JSON.stringify(value));
const task = (key: string, blockedBy: string[] = []) => ({
  key,
  title: `task ${key}`,
  acceptance: [`${key} works`],
  blocked_by: blockedBy,
});

describe('parseReport', () => {
  it('says a report was not written, or is empty', () => {
    expect(review(null)).toEqual({ ok: false, error: 'bugs.json was not written' });
    expect(review('  \n')).toEqual({ ok: false, error: 'bugs.json is empty' });
  });

  it('says a report is not JSON', () => {
    const result = review('{"status": pass}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^bugs\.json is not valid JSON: /);
  });

  it('names every field that does not match its schema', () => {
    expect(review(JSON.stringify({ status: 'maybe', findings: [{ severity: 'huge' }] }))).toEqual({
      ok: false,
      error:
        'bugs.json does not match its schema: status: Invalid option: expected one of "pass"|"fail"; findings.0.severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"; findings.0.issue: Invalid input: expected string, received undefined',
    });
  });

  it('says "(root)" when the whole report has the wrong shape', () => {
    expect(review('[1, 2]')).toEqual({
      ok: false,
      error: 'bugs.json does not match its schema: (root): Invalid input: expected object, received array',
    });
  });

  it('normalises severities, fills defaults and keeps what it does not know', () => {
    const result = review(
      JSON.stringify({
        status: 'pass',
        findings: [{ severity: ' HIGH ', issue: 'x', extra: 1 }],
        note: 'kept',
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        status: 'pass',
        summary: '',
        findings: [{ severity: 'high', issue: 'x', recommendation: '' }],
      },
    });
  });

  it('refuses a finding with no issue, a blank file or a negative line', () => {
    for (const bad of [{ issue: '  ' }, { issue: 'x', file: '' }, { issue: 'x', line: -1 }]) {
      expect(review(JSON.stringify({ status: 'pass', findings: [{ severity: 'low', ...bad }] })).ok).toBe(
        false,
      );
    }
  });
});

describe('plans', () => {
  it('accepts a plan and orders every task after the ones it is blocked by', () => {
    const parsed = plan({ tasks: [task('c', ['b']), task('a'), task('b', ['a'])] });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(planOrder(parsed.value)?.map((t) => t.key)).toEqual(['a', 'b', 'c']);
    expect(parsed.value.tasks[1]).toMatchObject({ priority: 5, description: '', files: [] });
  });

  it('finds a cycle, also one behind a task that is not on it', () => {
    const parsed = plan({ tasks: [task('a', ['b']), task('b', ['a'])] });
    expect(parsed.ok && planOrder(parsed.value)).toBeNull();
    const behind = plan({ tasks: [task('x', ['a']), task('a', ['b']), task('b', ['c']), task('c', ['b'])] });
    expect(behind.ok && planOrder(behind.value)).toBeNull();
  });

  it.each([
    ['no tasks', { tasks: [] }, 'tasks: the plan has no tasks'],
    ['a duplicate key', { tasks: [task('a'), task('a')] }, 'duplicate task key a'],
    ['an unknown dependency', { tasks: [task('a', ['z'])] }, 'a is blocked by unknown key z'],
    ['a task blocked by itself', { tasks: [task('a', ['a'])] }, 'a is blocked by itself'],
    [
      'a task with no acceptance criterion',
      { tasks: [{ ...task('a'), acceptance: [] }] },
      'every task needs at least one acceptance criterion',
    ],
    ['a priority out of range', { tasks: [{ ...task('a'), priority: 11 }] }, 'tasks.0.priority'],
  ])('refuses %s', (_name, value, message) => {
    const parsed = plan(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(message);
  });
});
