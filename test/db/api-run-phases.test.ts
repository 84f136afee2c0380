/**
 * A run's timeline (GET /api/runs/{id}/phases): the phase it starts in, then every phase it enters, from
 * which and when, whichever service moved it (a kill, the last task completing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';

type Change = { from_phase: string | null; to_phase: string; at: string };

let api: TestApi;
let projectId: number;

async function call(method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await api.app.inject({ method, url, headers: api.auth(), payload });
  return { status: response.statusCode, json: response.json() };
}

async function timeline(runId: number): Promise<Change[]> {
  const { status, json } = await call('GET', `/api/runs/${runId}/phases`);
  expect(status).toBe(200);
  const items = (json as { items: Change[] }).items;
  const times = items.map((change) => Date.parse(change.at));
  expect(times.every((time, index) => Number.isFinite(time) && time >= (times[index - 1] ?? 0))).toBe(true);
  return items;
}

const moves = (items: Change[]) => items.map((change) => [change.from_phase, change.to_phase]);

beforeAll(async () => {
  api = await startTestApi();
  projectId = await newProject(api, 'phases');
});

afterAll(async () => {
  await api?.close();
});

describe("a run's timeline", () => {
  it('starts with the phase a run is created in and records a kill', async () => {
    const created = await call('POST', '/api/runs', { project_id: projectId, goal: 'plan it first' });
    const runId = (created.json as { id: number }).id;
    expect(moves(await timeline(runId))).toEqual([[null, 'planning']]);

    await call('POST', `/api/runs/${runId}/kill`);
    expect(moves(await timeline(runId))).toEqual([
      [null, 'planning'],
      ['planning', 'killed'],
    ]);
  });

  it('records the move to testing when the last task completes', async () => {
    const runId = await newRun(api, projectId, 'one task');
    const task = await call('POST', '/api/tasks', { run_id: runId, title: 'the only task' });
    const taskId = (task.json as { id: number }).id;
    for (const stage of ['dev', 'qa', 'sec', 'docs']) {
      expect(moves(await timeline(runId)), `while in ${stage}`).toEqual([[null, 'building']]);
      expect((await call('POST', `/api/tasks/${taskId}/advance-stage`, { result: 'pass' })).status).toBe(200);
    }
    expect(moves(await timeline(runId))).toEqual([
      [null, 'building'],
      ['building', 'testing'],
    ]);
  });

  it('answers 404 for a run that does not exist', async () => {
    expect(await call('GET', '/api/runs/999999/phases')).toEqual({
      status: 404,
      json: { error: { code: 'WH_RUN_NOT_FOUND', message: 'run 999999 not found', details: { id: 999999 } } },
    });
  });
});
