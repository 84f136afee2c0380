/**
 * The predecessor's curl examples (README "Using the API"), replayed through `app.inject()` and checked
 * against the exact JSON they answer. Every write must append exactly one event (and a
 * run.phase_changed for each phase it moves a run through).
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema.ts';
import type { Stage } from '../../src/domain/stages.ts';
import { installationId } from '../../src/services/installation.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST';

const ts = expect.any(String);
let api: TestApi;
let projectCount = 0;
/** This database's installation id: it names every run's branch. */
let installation: string;

beforeAll(async () => {
  api = await startTestApi();
  installation = await installationId(api.database.db);
});
afterAll(() => api.close());

async function call(method: Method, url: string, body?: object, status = 200): Promise<Json> {
  const response = await api.app.inject({ method, url, headers: api.auth(), payload: body });
  expect(response.statusCode, response.body).toBe(status);
  return response.json() as Json;
}

async function allEvents(): Promise<Json[]> {
  const seen: Json[] = [];
  let after = 0;
  for (;;) {
    const page = await call('GET', `/api/events?after_id=${after}&limit=500`);
    seen.push(...(page.items as Json[]));
    if (page.next_after_id === null) return seen;
    after = page.next_after_id as number;
  }
}

/** One write; checks it appended exactly one event of `type` and returns the response and that event. */
async function write(type: string, url: string, body?: object): Promise<{ body: Json; event: Json }> {
  const before = await allEvents();
  const response = await call('POST', url, body);
  const after = await allEvents();
  expect(after.slice(0, before.length)).toEqual(before);
  // Besides its one event, a write that moves a run's phase tells each move as a run.phase_changed.
  const own = after.slice(before.length).filter((event) => event.type !== 'run.phase_changed');
  expect(own).toHaveLength(1);
  const event = own[0]!;
  expect(event).toMatchObject({ type, actor: 'admin-token' });
  return { body: response, event };
}

/** The full event row a write by the admin token appends. */
function eventRow(event: Json, type: string, fields: Json, payload: Json): Json {
  const ids = { project_id: null, run_id: null, task_id: null, job_id: null };
  return { id: event.id, type, ...ids, ...fields, actor: 'admin-token', payload, created_at: ts };
}

async function newRun(): Promise<{ projectId: number; runId: number }> {
  projectCount += 1;
  const project = await call(
    'POST',
    '/api/projects',
    { name: `seed-${projectCount}`, repository: scratchRepository(), test_command: 'npm test' },
    201,
  );
  const body = { project_id: project.id, goal: 'Add a health endpoint', skip_planning: true };
  const run = await call('POST', '/api/runs', body, 201);
  return { projectId: project.id as number, runId: run.id as number };
}

async function addTask(runId: number, title: string, priority: number) {
  const task = await call('POST', '/api/tasks', { run_id: runId, title, priority }, 201);
  return { id: task.id as number, jobId: (task.job as Json).id as number };
}

const advance = (taskId: number, body: { result: 'pass' | 'fail'; notes?: string }) =>
  write('task.stage_advanced', `/api/tasks/${taskId}/advance-stage`, body);

/** What a run no agent has worked in has used. */
const NO_USAGE = {
  agent_jobs: 0,
  input_tokens: 0,
  output_tokens: 0,
  cost_usd: null,
  unpriced_jobs: 0,
  wall_seconds: 0,
};

/** `{key: null}` for each space-separated key. */
const nulls = (keys: string): Json => Object.fromEntries(keys.split(' ').map((key) => [key, null]));
const JOB_NULLS = nulls(
  'lease_owner lease_token lease_expires_at backend role_config_id exit_code input_tokens output_tokens ' +
    'cost_usd last_error started_at finished_at',
);

function job(id: number, runId: number, taskId: number, stage: Stage, priority: number): Json {
  const stamps = { run_at: ts, created_at: ts, updated_at: ts };
  const fixed = {
    kind: 'stage',
    state: 'held',
    held_by_pause: false,
    attempt: 1,
    max_attempts: 3,
    payload: {},
    verdict: null,
  };
  return {
    id,
    run_id: runId,
    task_id: taskId,
    stage,
    role: stage,
    priority,
    ...fixed,
    ...JOB_NULLS,
    ...stamps,
  };
}

/** A stage job cancelled because its task moved on from `stage` to `to`. */
function cancelledJob(
  id: number,
  runId: number,
  taskId: number,
  stage: Stage,
  priority: number,
  to: Stage,
): Json {
  const last_error = `task left stage ${stage} for ${to}`;
  return { ...job(id, runId, taskId, stage, priority), state: 'cancelled', last_error, finished_at: ts };
}

interface TaskShape {
  id: number;
  runId: number;
  title: string;
  priority: number;
  stage: Stage;
  version?: number;
  loopBacks?: number;
  notes?: string;
}

function task(t: TaskShape): Json {
  const fixed = { description: '', acceptance: [], files: [], source: 'manual', created_at: ts };
  const moving = { pipeline_stage: t.stage, version: t.version ?? 1, loop_backs: t.loopBacks ?? 0 };
  const done = { notes: t.notes ?? '', completed_at: t.stage === 'complete' ? ts : null, updated_at: ts };
  const unreviewed = { review_state: null, paused: false, budget: null };
  return {
    id: t.id,
    run_id: t.runId,
    title: t.title,
    priority: t.priority,
    ...fixed,
    ...moving,
    ...done,
    ...unreviewed,
  };
}

const taskView = (t: TaskShape, job: Json | null, lastFinished: Json | null = null): Json => ({
  ...task(t),
  depends_on: [],
  blocked_by: [],
  current_job: job,
  last_finished_job: lastFinished,
  escalation_id: null,
});

function progress(runId: number, stage: Stage, counts: Partial<Record<Stage, number>>, pct: number): Json {
  const byStage = { none: 0, dev: 0, qa: 0, sec: 0, docs: 0, complete: 0, ...counts };
  const total = Object.values(byStage).reduce((sum, count) => sum + count, 0);
  const complete = byStage.complete;
  return { run_id: runId, total, complete, percent: pct, blocked: byStage.none, stage, by_stage: byStage };
}

function runJson(runId: number, projectId: number, phase: string, killedAt: unknown = null): Json {
  const fixed = { goal: 'Add a health endpoint', branch: `wh/${installation}/run-${runId}`, paused: false };
  const stamps = { killed_at: killedAt, created_at: ts, updated_at: ts };
  return {
    id: runId,
    project_id: projectId,
    phase,
    ...fixed,
    auto_advance_remaining: null,
    pipeline: null,
    released_commit: null,
    budget: null,
    ...stamps,
  };
}

async function jobRows(runId: number) {
  return api.database.db
    .select({ id: jobs.id, kind: jobs.kind, stage: jobs.stage, state: jobs.state, lastError: jobs.lastError })
    .from(jobs)
    .where(eq(jobs.runId, runId))
    .orderBy(asc(jobs.id));
}

describe('GET /api/tasks/queue', () => {
  it('lists one run and stage, priority desc then id, without other stages or killed runs', async () => {
    const { runId } = await newRun();
    const low = await addTask(runId, 'low', 3);
    const high = await addTask(runId, 'high', 9);
    const mid = await addTask(runId, 'mid', 5);
    const high2 = await addTask(runId, 'high again', 9);
    const inQa = await addTask(runId, 'in qa', 10);
    await advance(inQa.id, { result: 'pass' });
    const killed = await newRun();
    const doomed = await addTask(killed.runId, 'doomed', 10);
    await write('run.killed', `/api/runs/${killed.runId}/kill`);

    const view = (t: { id: number; jobId: number }, title: string, priority: number) =>
      taskView(
        { id: t.id, runId, title, priority, stage: 'dev' },
        job(t.jobId, runId, t.id, 'dev', priority),
      );
    expect(await call('GET', `/api/tasks/queue?run_id=${runId}&stage=dev`)).toEqual({
      run_id: runId,
      stage: 'dev',
      count: 4,
      tasks: [view(high, 'high', 9), view(high2, 'high again', 9), view(mid, 'mid', 5), view(low, 'low', 3)],
    });
    const qaTask = { id: inQa.id, runId, title: 'in qa', priority: 10, stage: 'qa' as const, version: 2 };
    expect(await call('GET', `/api/tasks/queue?run_id=${runId}&stage=qa`)).toEqual({
      run_id: runId,
      stage: 'qa',
      count: 1,
      tasks: [
        taskView(
          qaTask,
          job(high2.jobId + 2, runId, inQa.id, 'qa', 10),
          cancelledJob(inQa.jobId, runId, inQa.id, 'dev', 10, 'qa'),
        ),
      ],
    });
    const deadQueue = { run_id: killed.runId, stage: 'dev', count: 0, tasks: [] };
    expect(await call('GET', `/api/tasks/queue?run_id=${killed.runId}&stage=dev`)).toEqual(deadQueue);
    const everyRun = await call('GET', '/api/tasks/queue?stage=dev');
    const ids = (everyRun.tasks as Json[]).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([high.id, high2.id, mid.id, low.id]));
    expect(ids).not.toContain(doomed.id);
  });
});

describe('POST /api/tasks/{id}/advance-stage', () => {
  it('pass moves dev -> qa, opens a held qa job and cancels the dev job', async () => {
    const { projectId, runId } = await newRun();
    const created = await addTask(runId, 'GET /health returns 200', 8);
    const qaJobId = created.jobId + 1;
    const { body, event } = await advance(created.id, { result: 'pass', notes: 'Fixed security issue' });
    const title = 'GET /health returns 200';
    const notes = '[dev -> qa] Fixed security issue\n';
    const moved = { id: created.id, runId, title, priority: 8, stage: 'qa' as const, version: 2, notes };
    const qaJob = job(qaJobId, runId, created.id, 'qa', 8);
    const change = { from: 'dev', to: 'qa', loop_back: false, released_task_ids: [], run_phase: 'building' };
    expect(body).toEqual({ task: task(moved), job: qaJob, ...change });
    const ids = { project_id: projectId, run_id: runId, task_id: created.id, job_id: qaJobId };
    const payload = { ...change, loop_backs: 0, version: 2, job_id: qaJobId, job_state: 'held' };
    expect(event).toEqual(
      eventRow(event, 'task.stage_advanced', ids, {
        ...payload,
        result: 'pass',
        notes: 'Fixed security issue',
        escalation_approval_id: null,
      }),
    );
    const cancelled = 'task left stage dev for qa';
    expect(await jobRows(runId)).toEqual([
      { id: created.jobId, kind: 'stage', stage: 'dev', state: 'cancelled', lastError: cancelled },
      { id: qaJobId, kind: 'stage', stage: 'qa', state: 'held', lastError: null },
    ]);
    const devJob = cancelledJob(created.jobId, runId, created.id, 'dev', 8, 'qa');
    expect(await call('GET', `/api/tasks/${created.id}`)).toEqual(taskView(moved, qaJob, devJob));
  });

  it('fail sends a task back to dev with loop_back and counts every loop-back', async () => {
    const { runId } = await newRun();
    const created = await addTask(runId, 'loops', 6);
    const base = { id: created.id, runId, title: 'loops', priority: 6 };
    let notes = '';
    for (const loopBacks of [1, 2]) {
      await advance(created.id, { result: 'pass' });
      const { body, event } = await advance(created.id, { result: 'fail', notes: `round ${loopBacks}` });
      notes += `[qa -> dev] round ${loopBacks}\n`;
      const devJobId = created.jobId + 2 * loopBacks;
      const back = { ...base, stage: 'dev' as const, version: 1 + 2 * loopBacks, loopBacks, notes };
      const devJob = job(devJobId, runId, created.id, 'dev', 6);
      const change = { from: 'qa', to: 'dev', loop_back: true, released_task_ids: [], run_phase: 'building' };
      expect(body).toEqual({ task: task(back), job: devJob, ...change });
      expect(event.payload).toMatchObject({ ...change, loop_backs: loopBacks });
      const qaJob = cancelledJob(devJobId - 1, runId, created.id, 'qa', 6, 'dev');
      expect(await call('GET', `/api/tasks/${created.id}`)).toEqual(taskView(back, devJob, qaJob));
    }
    const states = (await jobRows(runId)).map((row) => `${row.stage}:${row.state}`);
    expect(states).toEqual(['dev:cancelled', 'qa:cancelled', 'dev:cancelled', 'qa:cancelled', 'dev:held']);
  });
});

describe('GET /api/runs/{id}/task-progress', () => {
  it('counts per stage, total, complete and percent up to 100%, when the run moves to testing', async () => {
    const { projectId, runId } = await newRun();
    const a = await addTask(runId, 'a', 5);
    const b = await addTask(runId, 'b', 5);
    const c = await addTask(runId, 'c', 5);
    const url = `/api/runs/${runId}/task-progress`;
    expect(await call('GET', url)).toEqual(progress(runId, 'dev', { dev: 3 }, 0));
    for (let step = 0; step < 4; step += 1) await advance(a.id, { result: 'pass' });
    await advance(b.id, { result: 'pass' });
    expect(await call('GET', url)).toEqual(progress(runId, 'dev', { dev: 1, qa: 1, complete: 1 }, 33));
    for (let step = 0; step < 3; step += 1) await advance(b.id, { result: 'pass' });
    await advance(c.id, { result: 'pass' });
    await advance(c.id, { result: 'pass' });
    expect(await call('GET', url)).toEqual(progress(runId, 'sec', { sec: 1, complete: 2 }, 67));
    await advance(c.id, { result: 'pass' });
    const { body } = await advance(c.id, { result: 'pass' });
    const done = task({ id: c.id, runId, title: 'c', priority: 5, stage: 'complete', version: 5 });
    const change = { from: 'docs', to: 'complete', loop_back: false, job: null, released_task_ids: [] };
    expect(body).toEqual({ task: done, ...change, run_phase: 'testing' });
    const full = progress(runId, 'complete', { complete: 3 }, 100);
    expect(await call('GET', url)).toEqual(full);
    const testing = {
      ...runJson(runId, projectId, 'testing'),
      stage: 'complete',
      progress: full,
      usage: NO_USAGE,
    };
    expect(await call('GET', `/api/runs/${runId}`)).toEqual(testing);
    const open = (await jobRows(runId)).filter((row) => row.state === 'held');
    expect(open).toEqual([
      { id: a.jobId + 12, kind: 'integration_test', stage: null, state: 'held', lastError: null },
    ]);
  });
});

describe('POST /api/runs/{id}/kill', () => {
  it('soft-deletes: killed_at set, phase killed, open jobs cancelled, hidden from lists; again is 409', async () => {
    const { projectId, runId } = await newRun();
    const first = await addTask(runId, 'first', 5);
    const second = await addTask(runId, 'second', 5);
    await advance(first.id, { result: 'pass' });
    await write('run.agent_triggered', `/api/runs/${runId}/trigger-agent`, { role: 'dev' });
    const qaJobId = second.jobId + 1;
    const listUrl = `/api/runs?project_id=${projectId}`;
    expect((await call('GET', listUrl)).total).toBe(1);

    const { body, event } = await write('run.killed', `/api/runs/${runId}/kill`);
    const killed = runJson(runId, projectId, 'killed', ts);
    // Soft: cancelled ids must come in id order (as trigger-agent's released_job_ids do); see the rest anyway.
    const cancelledIds = [second.jobId, qaJobId];
    expect.soft(body).toEqual({ run: killed, cancelled_job_ids: cancelledIds });
    const payload = { previous_phase: 'building', cancelled_job_ids: cancelledIds };
    expect
      .soft(event)
      .toEqual(eventRow(event, 'run.killed', { project_id: projectId, run_id: runId }, payload));
    expect((await jobRows(runId)).map((row) => [row.id, row.state, row.lastError])).toEqual([
      [first.jobId, 'cancelled', 'task left stage dev for qa'],
      [second.jobId, 'cancelled', 'run killed'],
      [qaJobId, 'cancelled', 'run killed'],
    ]);
    expect(await call('GET', listUrl)).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    expect(await call('GET', `${listUrl}&include_killed=true`)).toEqual({
      items: [
        { ...killed, stage: 'dev', progress: progress(runId, 'dev', { dev: 1, qa: 1 }, 0), usage: NO_USAGE },
      ],
      total: 1,
      limit: 50,
      offset: 0,
    });
    expect(await call('GET', `/api/tasks/${second.id}`)).toMatchObject({ current_job: null });

    const eventsBefore = await allEvents();
    expect(await call('POST', `/api/runs/${runId}/kill`, undefined, 409)).toEqual({
      error: {
        code: 'WH_ILLEGAL_PHASE_TRANSITION',
        message: `run ${runId}: the run is killed; it cannot change phase`,
        details: { run_id: runId, current_phase: 'killed' },
      },
    });
    expect(await allEvents()).toEqual(eventsBefore);
  });
});
