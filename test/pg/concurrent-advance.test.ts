/**
 * Many advance-stage calls racing on PostgreSQL: the version check and the run row lock must let exactly
 * one through, write one event, and open one job.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs, runs, tasks } from '../../src/db/schema.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

let api: TestApi;
let projectId: number;

interface Reply {
  status: number;
  code: string | null;
}

async function post(url: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await api.app.inject({ method: 'POST', url, headers: api.auth(), payload });
  if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json<Record<string, unknown>>();
}

async function newRun(): Promise<number> {
  const run = await post('/api/runs', { project_id: projectId, goal: 'race', skip_planning: true });
  return Number(run.id);
}

async function newTask(runId: number, title: string): Promise<number> {
  const task = await post('/api/tasks', { run_id: runId, title });
  return Number(task.id);
}

async function advanceAll(calls: { taskId: number; payload: Record<string, unknown> }[]): Promise<Reply[]> {
  const responses = await Promise.all(
    calls.map(({ taskId, payload }) =>
      api.app.inject({
        method: 'POST',
        url: `/api/tasks/${taskId}/advance-stage`,
        headers: api.auth(),
        payload,
      }),
    ),
  );
  return responses.map((response) => ({
    status: response.statusCode,
    code: response.statusCode === 200 ? null : response.json<{ error: { code: string } }>().error.code,
  }));
}

async function advanceOnce(taskId: number): Promise<void> {
  const [reply] = await advanceAll([{ taskId, payload: { result: 'pass' } }]);
  expect(reply?.status).toBe(200);
}

async function stageEvents(taskId: number) {
  return api.database.db
    .select()
    .from(events)
    .where(and(eq(events.taskId, taskId), eq(events.type, 'task.stage_advanced')));
}

async function openJobs(taskId: number) {
  return api.database.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.taskId, taskId), inArray(jobs.state, ['held', 'queued', 'running'])));
}

function tally(replies: Reply[]): { ok: number; conflicts: number; other: Reply[] } {
  return {
    ok: replies.filter((reply) => reply.status === 200).length,
    conflicts: replies.filter((reply) => reply.status === 409 && reply.code === 'WH_VERSION_CONFLICT').length,
    other: replies.filter(
      (reply) => reply.status !== 200 && !(reply.status === 409 && reply.code === 'WH_VERSION_CONFLICT'),
    ),
  };
}

beforeAll(async () => {
  api = await startTestApi();
  const project = await post('/api/projects', { name: 'race', repository: scratchRepository() });
  projectId = Number(project.id);
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('concurrent advance-stage on PostgreSQL', { timeout: 30_000 }, () => {
  it('lets exactly one of 20 calls with the same version through', async () => {
    const taskId = await newTask(await newRun(), 'one winner');
    const replies = await advanceAll(
      Array.from({ length: 20 }, () => ({ taskId, payload: { result: 'pass', version: 1 } })),
    );

    expect(tally(replies)).toEqual({ ok: 1, conflicts: 19, other: [] });
    const [task] = await api.database.db.select().from(tasks).where(eq(tasks.id, taskId));
    expect(task).toMatchObject({ version: 2, pipelineStage: 'qa' });
    expect(await stageEvents(taskId)).toHaveLength(1);
    const open = await openJobs(taskId);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ stage: 'qa', role: 'qa', state: 'held' });
  });

  it('lets exactly one of 20 calls without a version through', async () => {
    const taskId = await newTask(await newRun(), 'no version');
    const replies = await advanceAll(
      Array.from({ length: 20 }, () => ({ taskId, payload: { result: 'pass' } })),
    );

    expect(tally(replies)).toEqual({ ok: 1, conflicts: 19, other: [] });
    const [task] = await api.database.db.select().from(tasks).where(eq(tasks.id, taskId));
    expect(task).toMatchObject({ version: 2, pipelineStage: 'qa' });
    expect(await stageEvents(taskId)).toHaveLength(1);
    expect(await openJobs(taskId)).toHaveLength(1);
  });

  it('moves the run to testing once when its last two tasks complete at the same moment', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const second = await newTask(runId, 'second');
    for (const taskId of [first, second]) {
      for (let step = 0; step < 3; step++) await advanceOnce(taskId);
    }
    const atDocs = await api.database.db.select().from(tasks).where(eq(tasks.runId, runId));
    expect(atDocs.map((task) => task.pipelineStage)).toEqual(['docs', 'docs']);

    const replies = await advanceAll([
      { taskId: first, payload: { result: 'pass', version: 4 } },
      { taskId: second, payload: { result: 'pass', version: 4 } },
    ]);

    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    const [run] = await api.database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run?.phase).toBe('testing');
    const integration = await api.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'integration_test')));
    expect(integration).toHaveLength(1);
    const done = await api.database.db.select().from(tasks).where(eq(tasks.runId, runId));
    expect(done.map((task) => task.pipelineStage)).toEqual(['complete', 'complete']);
  });
});
