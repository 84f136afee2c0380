/** The event log API: oldest first by default and paged by after_id; newest first with order=desc. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

let api: TestApi;
let runId: number;

async function call(method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await api.app.inject({
    method,
    url,
    headers: api.auth('viewer'),
    ...(payload ? { payload } : {}),
  });
  return response.json() as Record<string, unknown>;
}

beforeAll(async () => {
  api = await startTestApi();
  const admin = async (url: string, payload: object) =>
    (await api.app.inject({ method: 'POST', url, headers: api.auth(), payload })).json() as { id: number };
  const project = await admin('/api/projects', { name: 'events', repository: scratchRepository() });
  runId = (await admin('/api/runs', { project_id: project.id, goal: 'log', skip_planning: true })).id;
  for (const title of ['one', 'two', 'three']) await admin('/api/tasks', { run_id: runId, title });
});
afterAll(() => api.close());

it('lists a run oldest first, and pages forward with after_id', async () => {
  const first = await call('GET', `/api/events?run_id=${runId}&limit=2`);
  const types = (first.items as { type: string }[]).map((event) => event.type);
  expect(types).toEqual(['run.created', 'task.created']);
  const rest = await call('GET', `/api/events?run_id=${runId}&after_id=${first.next_after_id}`);
  expect((rest.items as { payload: { title: string } }[]).map((event) => event.payload.title)).toEqual([
    'two',
    'three',
  ]);
  expect(rest.next_after_id).toBeNull();
});

it('lists newest first with order=desc, and pages back with before_id', async () => {
  const newest = await call('GET', `/api/events?run_id=${runId}&order=desc&limit=2`);
  const items = newest.items as { id: number; payload: { title?: string } }[];
  expect(items.map((event) => event.payload.title)).toEqual(['three', 'two']);
  expect(items[0]!.id).toBeGreaterThan(items[1]!.id);
  expect(newest.next_before_id).toBe(items[1]!.id);
  const older = await call(
    'GET',
    `/api/events?run_id=${runId}&order=desc&before_id=${newest.next_before_id}`,
  );
  expect((older.items as { type: string }[]).map((event) => event.type)).toEqual([
    'task.created',
    'run.created',
  ]);
  expect(older.next_before_id).toBeNull();
});
