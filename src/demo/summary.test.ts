import { describe, expect, it } from 'vitest';
import type { WhEvent } from '../contracts/events.ts';
import type { Finding } from '../contracts/findings.ts';
import type { TaskView } from '../contracts/tasks.ts';
import { progressLine } from './progress.ts';
import { describeSummary, summarize } from './summary.ts';

let nextId = 1;
function event(type: WhEvent['type'], payload: Record<string, unknown>, taskId: number | null = 1): WhEvent {
  return {
    id: nextId++,
    type,
    project_id: 1,
    run_id: 1,
    task_id: taskId,
    job_id: null,
    actor: 'worker',
    payload,
    created_at: '2026-01-01T00:00:00.000Z',
  };
}

const result = (from: string, to: string, loopBack: boolean, extra: Record<string, unknown> = {}) =>
  event('task.stage_result', {
    from,
    to,
    result: loopBack ? 'fail' : 'pass',
    reasons: loopBack ? ['gate test failed (exit 1): node --test'] : [],
    loop_back: loopBack,
    fix_task_ids: [],
    ...extra,
  });

describe('the demo progress lines', () => {
  it('says a loop-back with its reasons, a pass, a completion and a fix task made from a finding', () => {
    expect(progressLine(result('qa', 'dev', true))).toBe(
      'task 1: QA failed it, back to DEV: gate test failed (exit 1): node --test',
    );
    expect(progressLine(result('dev', 'qa', false))).toBe('task 1: DEV passed, on to QA');
    expect(progressLine(result('sec', 'docs', false, { fix_task_ids: [2] }))).toBe(
      'task 1: SEC passed, on to DOCS; fix task 2 made from a minor finding',
    );
    expect(progressLine(result('docs', 'complete', false))).toBe(
      'task 1: DOCS passed, task complete (merged into the run branch)',
    );
    expect(progressLine(event('run.phase_changed', { from: 'testing', to: 'ready_for_commit' }))).toBe(
      'run 1: testing -> ready_for_commit',
    );
    expect(progressLine(event('run.planned', { task_ids: { search: 1 } }))).toBe(
      'run 1: the PM planned task(s) 1',
    );
  });

  it('says nothing of bookkeeping: claims, log chunks', () => {
    expect(progressLine(event('job.claimed', {}))).toBeNull();
    expect(progressLine(event('job.output', { chunk: 'x' }))).toBeNull();
  });
});

describe('the demo summary', () => {
  it('counts planned and fix tasks, loop-backs by the stage that sent the task back, findings by severity', () => {
    const task = (id: number, source: TaskView['source'], title: string) =>
      ({ id, source, title }) as TaskView;
    const finding = (severity: Finding['severity']) => ({ severity }) as Finding;
    const summary = summarize(
      [
        result('qa', 'dev', true),
        result('sec', 'dev', true),
        result('qa', 'dev', true),
        result('dev', 'qa', false),
      ],
      [task(1, 'pm', 'Search items by name'), task(2, 'finding', 'Fix: no length limit')],
      [finding('high'), finding('high'), finding('medium')],
      42.25,
    );
    expect(describeSummary(summary)).toEqual([
      'tasks: 2 (1 planned, 1 from findings: task 2 "Fix: no length limit")',
      'loop-backs to DEV: 2 from QA, 1 from SEC',
      'findings: 2 high, 1 medium',
      'time: 42.3 s',
    ]);
  });
});
