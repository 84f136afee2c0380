/**
 * A task's one-line outcome and a run's situation: failures, escalations, conflicts and held work are named
 * with their reasons and the action that moves them on; nothing that failed reads as healthy.
 */
import { describe, expect, it } from 'vitest';
import type { Job, Run, Task } from './api.ts';
import { taskOutcome } from './outcome.ts';
import { runSituation } from './situation.ts';

function job(fields: Partial<Job>): Job {
  return {
    id: 1,
    kind: 'stage',
    run_id: 1,
    task_id: 1,
    stage: 'dev',
    role: 'dev',
    state: 'queued',
    held_by_pause: false,
    priority: 5,
    attempt: 1,
    max_attempts: 3,
    run_at: '2026-01-01T00:00:00.000Z',
    lease_owner: null,
    lease_token: null,
    lease_expires_at: null,
    backend: null,
    role_config_id: null,
    exit_code: null,
    input_tokens: null,
    output_tokens: null,
    cost_usd: null,
    payload: {},
    last_error: null,
    started_at: null,
    finished_at: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    verdict: null,
    ...fields,
  };
}

function task(fields: Partial<Task>): Task {
  return {
    id: 7,
    run_id: 1,
    title: 'a task',
    description: '',
    acceptance: [],
    files: [],
    priority: 5,
    pipeline_stage: 'dev',
    version: 1,
    loop_backs: 0,
    source: 'manual',
    notes: '',
    completed_at: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    depends_on: [],
    blocked_by: [],
    current_job: null,
    last_finished_job: null,
    escalation_id: null,
    review_state: null,
    paused: false,
    budget: null,
    ...fields,
  };
}

const run = (fields: Partial<Run> = {}) => ({ id: 1, phase: 'building', paused: false, ...fields }) as Run;

const dead = job({
  id: 4,
  state: 'dead',
  last_error: 'agent failed: bwrap: execvp goose: No such file\nstderr',
});

describe('taskOutcome', () => {
  it('names a dead job and its reason once no job is open', () => {
    expect(taskOutcome(task({ last_finished_job: dead }))).toMatchObject({
      tone: 'error',
      text: 'dead: out of attempts',
      reason: 'agent failed: bwrap: execvp goose: No such file',
      jobId: 4,
    });
  });

  it('names an escalation with its approval, a conflict, dependencies and held work', () => {
    expect(
      taskOutcome(task({ escalation_id: 9, loop_backs: 5, current_job: job({ state: 'held' }) })),
    ).toMatchObject({
      text: 'escalated: waits for a decision',
      approvalId: 9,
    });
    const conflicted = job({
      id: 2,
      stage: 'qa',
      state: 'succeeded',
      verdict: { pass: false, reasons: ['merging t into r conflicts in a.ts'] },
    });
    expect(
      taskOutcome(task({ last_finished_job: conflicted, current_job: job({ id: 3, state: 'held' }) })),
    ).toMatchObject({
      tone: 'warn',
      text: 'blocked by a conflict; back in dev (held)',
      reason: 'merging t into r conflicts in a.ts',
    });
    expect(taskOutcome(task({ pipeline_stage: 'none', blocked_by: [2, 3] })).text).toBe('waits for #2, #3');
    expect(taskOutcome(task({ current_job: job({ state: 'held' }) })).text).toBe('held: waits for a trigger');
    expect(taskOutcome(task({ current_job: job({ state: 'running', backend: 'claude' }) })).text).toBe(
      'running claude',
    );
  });
});

describe('runSituation', () => {
  it('says a planning run waits for its trigger instead of "planning"', () => {
    expect(
      runSituation(run({ phase: 'planning' }), [], job({ kind: 'planning', state: 'held', task_id: null })),
    ).toEqual({
      tone: 'muted',
      text: 'Nothing runs: the PM agent’s planning is held until you trigger it.',
      action: { kind: 'trigger' },
    });
  });

  it('names the failure and offers its retry', () => {
    const tasks = [
      task({ last_finished_job: dead }),
      task({ id: 8, current_job: job({ id: 5, state: 'held' }) }),
    ];
    expect(runSituation(run(), tasks, null)).toEqual({
      tone: 'error',
      text: '1 held until you trigger them, 1 failed (#7 dead: out of attempts: agent failed: bwrap: execvp goose: No such file).',
      action: { kind: 'retry', jobId: 4, label: 'Retry #7' },
    });
  });
});
