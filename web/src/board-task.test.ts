/** A task read whole becomes exactly what the board answers of it: the board's contract, no more. */
import { describe, expect, it } from 'vitest';
import { boardJobSchema } from '../../src/contracts/jobs.ts';
import { boardTaskSchema, taskViewSchema } from '../../src/contracts/tasks.ts';
import type { Job, Task } from './api.ts';
import { boardTaskOf } from './board-task.ts';

const at = '2026-02-03T04:05:06.000Z';

const fullJob = (id: number, state: Job['state'], verdict: Job['verdict']): Job => ({
  id,
  kind: 'stage',
  run_id: 2,
  task_id: 9,
  stage: 'qa',
  role: 'qa',
  state,
  held_by_pause: true,
  priority: 4,
  attempt: 2,
  max_attempts: 5,
  run_at: at,
  lease_owner: 'w-1',
  lease_token: null,
  lease_expires_at: at,
  backend: 'claude',
  role_config_id: 3,
  exit_code: 1,
  input_tokens: 10,
  output_tokens: 20,
  cost_usd: 0.5,
  payload: { model: 'm' },
  last_error: 'it broke',
  started_at: at,
  finished_at: null,
  created_at: at,
  updated_at: at,
  verdict,
});

const full: Task = taskViewSchema.parse({
  id: 9,
  run_id: 2,
  title: 'Add /health',
  description: 'answers 200',
  acceptance: ['GET /health is 200'],
  files: ['src/health.ts'],
  priority: 8,
  pipeline_stage: 'qa',
  version: 4,
  loop_backs: 1,
  source: 'pm',
  notes: 'qa: failed once',
  review_state: 'awaiting',
  paused: true,
  budget: null,
  completed_at: null,
  created_at: at,
  updated_at: at,
  depends_on: [3, 5],
  blocked_by: [5],
  current_job: fullJob(12, 'held', null),
  last_finished_job: fullJob(11, 'succeeded', { pass: false, reasons: ['tests fail'] }),
  escalation_id: 6,
});

describe('boardTaskOf', () => {
  it("keeps exactly the board contract's fields of a full task, with their values", () => {
    const board = boardTaskOf(full);
    expect(boardTaskSchema.parse(board)).toEqual(board);
    expect(Object.keys(board).sort()).toEqual([...boardTaskSchema.keyof().options].sort());
    for (const key of boardTaskSchema.keyof().options)
      if (key !== 'current_job' && key !== 'last_finished_job') expect(board[key]).toEqual(full[key]);
    const jobKeys = boardJobSchema.keyof().options;
    for (const key of ['current_job', 'last_finished_job'] as const) {
      expect(Object.keys(board[key]!).sort()).toEqual([...jobKeys].sort());
      for (const field of jobKeys) expect(board[key]![field]).toEqual(full[key]![field]);
    }
  });

  it('keeps a missing job missing', () => {
    const board = boardTaskOf({ ...full, current_job: null, last_finished_job: null });
    expect(board).toMatchObject({ current_job: null, last_finished_job: null });
  });
});
