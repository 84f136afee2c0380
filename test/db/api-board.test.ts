/**
 * The run board's answer (PGlite and PostgreSQL): every task of the run with exactly the fields of the
 * board contract, each equal to the same field of the task's full view, so the board and the task list
 * cannot drift apart; an unknown run is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardJobSchema } from '../../src/contracts/jobs.ts';
import { boardTaskSchema } from '../../src/contracts/tasks.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { completeJob } from '../../src/services/queue/finish-job.ts';
import { createTask } from '../../src/services/tasks.ts';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';

type Json = Record<string, unknown>;

const TASK_KEYS = boardTaskSchema.keyof().options;
const JOB_KEYS = boardJobSchema.keyof().options;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function call(method: 'GET' | 'POST', url: string, payload?: object, status = 200): Promise<Json> {
  const response = await api.app.inject({ method, url, headers: api.auth('viewer'), payload });
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Json>();
}

async function write(url: string, payload?: object, status = 200): Promise<Json> {
  const response = await api.app.inject({ method: 'POST', url, headers: api.auth(), payload });
  expect(response.statusCode, response.body).toBe(status);
  return response.json<Json>();
}

function pick(value: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.map((key) => [key, value[key]]));
}

/** What the board should answer for a task, taken from its full view. */
function boardOf(view: Json): Json {
  const job = (value: unknown) => (value === null ? null : pick(value as Json, JOB_KEYS));
  return {
    ...pick(view, TASK_KEYS),
    current_job: job(view.current_job),
    last_finished_job: job(view.last_finished_job),
  };
}

describe('GET /api/runs/:id/board', () => {
  it("answers each task with exactly the board's fields, equal to its full view's", async () => {
    const runId = await newRun(api, await newProject(api, 'board'), 'a board to read');
    // A task whose dev job ran to the end while its stage failed: a finished job with a verdict.
    const queued = { ...api.ctx, settings: { autoTriggerAgents: true } };
    const { task: judged, job } = await createTask(queued, { runId, title: 'judged', description: 'd' });
    const claimed = await claimJob(api.database.db, {
      workerId: 'w-board',
      kinds: ['stage'],
      leaseSeconds: 30,
    });
    expect(claimed?.id).toBe(job!.id);
    const verdict = { pass: false, reasons: ['the tests fail'] };
    await completeJob(api.database.db, { jobId: job!.id, leaseToken: claimed!.leaseToken! }, 'w-board', {
      report: { verdict, gates: [] },
    });
    // Moved on by hand: its qa job is open, its dev job finished.
    await write(`/api/tasks/${judged.id}/set-stage`, { stage: 'qa' });
    // A held task, one that waits for it, and one whose cancelled job was queued again.
    const first = await write('/api/tasks', { run_id: runId, title: 'first', priority: 8 }, 201);
    const second = await write(
      '/api/tasks',
      { run_id: runId, title: 'second', acceptance: ['it works'], depends_on: [first.id] },
      201,
    );
    const retried = await write('/api/tasks', { run_id: runId, title: 'retried' }, 201);
    const cancelled = (retried.current_job as Json).id;
    await write(`/api/jobs/${cancelled}/cancel`);
    await write(`/api/jobs/${cancelled}/retry`);
    await write(`/api/tasks/${first.id}/pause`);

    const board = (await call('GET', `/api/runs/${runId}/board`)).items as Json[];
    const views = (await call('GET', `/api/tasks?run_id=${runId}&limit=500`)).items as Json[];
    expect(board.map((task) => task.id)).toEqual([judged.id, first.id, second.id, retried.id]);
    expect(board).toEqual(views.map(boardOf));
    for (const task of board) {
      expect(Object.keys(task).sort()).toEqual([...TASK_KEYS].sort());
      for (const job of [task.current_job, task.last_finished_job])
        if (job !== null) expect(Object.keys(job as Json).sort()).toEqual([...JOB_KEYS].sort());
    }

    // The cases the board reads are all there, so the comparison above compared something.
    const [one, held, waiting, again] = board;
    expect(one).toMatchObject({
      description: 'd',
      current_job: { stage: 'qa', state: 'held' },
      last_finished_job: {
        id: job!.id,
        state: 'succeeded',
        verdict: { pass: false, reasons: ['the tests fail'] },
      },
    });
    expect(held).toMatchObject({
      priority: 8,
      paused: true,
      current_job: { state: 'held', held_by_pause: false },
    });
    expect(waiting).toMatchObject({ blocked_by: [first.id], current_job: null, last_finished_job: null });
    expect(again).toMatchObject({
      current_job: { id: cancelled, state: 'queued', attempt: 2 },
      last_finished_job: null,
    });
  });

  it('answers an empty board for a run without tasks, 404 for an unknown run, 400 for a bad id', async () => {
    const runId = await newRun(api, await newProject(api, 'board-empty'), 'nothing yet');
    expect(await call('GET', `/api/runs/${runId}/board`)).toEqual({ items: [] });
    const missing = await call('GET', '/api/runs/999999/board', undefined, 404);
    expect(missing).toMatchObject({ error: { code: 'WH_RUN_NOT_FOUND' } });
    const bad = await call('GET', '/api/runs/abc/board', undefined, 400);
    expect(bad).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });
});
