/**
 * The jobs API and the queue in /api/status: listing (filtered, paged, without logs), reading one job,
 * retry and cancel with their 404/409/403 answers, and queue counts and workers as they change.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../../src/domain/access.ts';
import { enqueueJob, type NewGenericJob } from '../../src/services/jobs.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { completeJob } from '../../src/services/queue/finish-job.ts';
import { appendJobLog } from '../../src/services/queue/job-log.ts';
import { registerWorker, stopWorker } from '../../src/services/queue/workers.ts';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';

type Json = Record<string, unknown>;

let api: TestApi;
let projectId: number;

async function send(method: 'GET' | 'POST', url: string, role: TokenRole | null = 'admin') {
  const headers = role ? api.auth(role) : {};
  const response = await api.app.inject({ method, url, headers });
  return { status: response.statusCode, json: response.json<Json>() };
}

async function ok(method: 'GET' | 'POST', url: string, role: TokenRole = 'admin'): Promise<Json> {
  const { status, json } = await send(method, url, role);
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

const run = () => newRun(api, projectId, 'jobs api');

async function enqueue(runId: number, extra: Partial<NewGenericJob> = {}): Promise<number> {
  return (await enqueueJob(api.ctx, { kind: 'test.api', runId, ...extra })).id;
}

/** Claims the next job of `kind` (it must be `jobId`) and completes it with a report. */
async function succeed(jobId: number, kind: string): Promise<void> {
  const job = await claimJob(api.database.db, { workerId: 'w-api', kinds: [kind], leaseSeconds: 30 });
  expect(job?.id).toBe(jobId);
  await completeJob(api.database.db, { jobId, leaseToken: job!.leaseToken! }, 'w-api', { report: { ok: 1 } });
}

function illegal(jobId: number, state: string, wanted: string) {
  return {
    status: 409,
    json: {
      error: {
        code: 'WH_ILLEGAL_JOB_TRANSITION',
        message: `job ${jobId} is ${state}; it cannot become ${wanted}`,
        details: { job_id: jobId, current_state: state },
      },
    },
  };
}

beforeAll(async () => {
  api = await startTestApi();
  projectId = await newProject(api, 'jobs-api');
});
afterAll(() => api?.close());

describe('the jobs API', () => {
  it('lists jobs by state and run, newest first, paged, without their logs', async () => {
    const runId = await run();
    const queued = [];
    for (const n of [1, 2, 3]) queued.push(await enqueue(runId, { payload: { n } }));
    const held = await enqueue(runId, { state: 'held' });
    await enqueue(await run());

    const first = await ok('GET', `/api/jobs?state=queued&run_id=${runId}&limit=2`);
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
    const items = first.items as Json[];
    expect(items.map((item) => item.id)).toEqual([queued[2], queued[1]]);
    expect(items[0]).toMatchObject({
      id: queued[2],
      kind: 'test.api',
      run_id: runId,
      task_id: null,
      stage: null,
      role: 'system',
      state: 'queued',
      priority: 5,
      attempt: 1,
      max_attempts: 3,
      payload: { n: 3 },
      lease_owner: null,
      last_error: null,
    });
    for (const item of items) expect(Object.keys(item)).not.toContain('log');
    const second = await ok('GET', `/api/jobs?state=queued&run_id=${runId}&limit=2&offset=2`);
    expect(second).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect((second.items as Json[]).map((item) => item.id)).toEqual([queued[0]]);
    const all = await ok('GET', `/api/jobs?run_id=${runId}`);
    expect(all).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect((all.items as Json[]).map((item) => item.id)).toEqual([held, ...queued.toReversed()]);
    expect((await send('GET', '/api/jobs?state=sleeping')).status).toBe(400);
  });

  it('reads one job with its log and report; an unknown job is 404', async () => {
    const jobId = await enqueue(await run(), { kind: 'test.api.read' });
    await succeed(jobId, 'test.api.read');
    const job = await ok('GET', `/api/jobs/${jobId}`);
    expect(job).toMatchObject({
      id: jobId,
      state: 'succeeded',
      attempt: 1,
      log: '',
      report: { ok: 1 },
      lease_owner: 'w-api',
      lease_token: null,
    });
    expect(job.finished_at).toEqual(expect.any(String));

    const missing = {
      status: 404,
      json: { error: { code: 'WH_JOB_NOT_FOUND', message: 'job 999999 not found', details: { id: 999999 } } },
    };
    expect(await send('GET', '/api/jobs/999999')).toEqual(missing);
    expect(await send('POST', '/api/jobs/999999/retry')).toEqual(missing);
    expect(await send('POST', '/api/jobs/999999/cancel')).toEqual(missing);
  });

  it("gives the time of each chunk of a job's log by where it begins, counted from the log's end", async () => {
    const jobId = await enqueue(await run(), { kind: 'test.api.log' });
    const job = await claimJob(api.database.db, {
      workerId: 'w-log',
      kinds: ['test.api.log'],
      leaseSeconds: 30,
    });
    const lease = { jobId, leaseToken: job!.leaseToken! };
    // An emoji is two UTF-16 code units: offsets count as JavaScript does, so a line's start lines up.
    const chunks = ['[workhorse] scripted as dev in /wt\n', 'a 🐎 line\n', 'the last line\n'];
    for (const chunk of chunks) expect(await appendJobLog(api.database.db, lease, 'w-log', chunk)).toBe(true);
    // Backdated, 7 s apart (in id order), so each chunk's time is known.
    const { rows } = await api.database.db.execute(sql`
      update events set created_at = timestamptz '2026-01-01T10:00:00Z'
             + (id - (select min(id) from events where job_id = ${jobId} and type = 'job.output')) * interval '7 seconds'
       where job_id = ${jobId} and type = 'job.output' returning id`);
    expect(rows).toHaveLength(3);

    const read = await ok('GET', `/api/jobs/${jobId}`);
    expect(read.log).toBe(chunks.join(''));
    expect(read.log_times).toEqual([
      { offset: 0, at: '2026-01-01T10:00:00.000Z' },
      { offset: chunks[0]!.length, at: '2026-01-01T10:00:07.000Z' },
      { offset: chunks[0]!.length + chunks[1]!.length, at: '2026-01-01T10:00:14.000Z' },
    ]);
    expect((read.log as string).slice(chunks[0]!.length + chunks[1]!.length)).toBe('the last line\n');

    // Were the oldest events pruned, the later chunks keep their right offsets; only the first has no time.
    await api.database.db.execute(
      sql`delete from events where id = (select min(id) from events where job_id = ${jobId} and type = 'job.output')`,
    );
    expect((await ok('GET', `/api/jobs/${jobId}`)).log_times).toEqual([
      { offset: chunks[0]!.length, at: '2026-01-01T10:00:07.000Z' },
      { offset: chunks[0]!.length + chunks[1]!.length, at: '2026-01-01T10:00:14.000Z' },
    ]);
  });

  it('cancels and retries a job; a move its state does not allow is 409', async () => {
    const jobId = await enqueue(await run(), { kind: 'test.api.retry' });
    expect(await ok('POST', `/api/jobs/${jobId}/cancel`)).toMatchObject({
      id: jobId,
      state: 'cancelled',
      last_error: 'cancelled by admin-token',
    });
    expect(await send('POST', `/api/jobs/${jobId}/cancel`)).toEqual(illegal(jobId, 'cancelled', 'cancelled'));
    expect(await ok('POST', `/api/jobs/${jobId}/retry`, 'operator')).toMatchObject({
      id: jobId,
      state: 'queued',
      attempt: 2,
      max_attempts: 4,
      finished_at: null,
    });
    expect(await send('POST', `/api/jobs/${jobId}/retry`)).toEqual(illegal(jobId, 'queued', 'queued'));

    await succeed(jobId, 'test.api.retry');
    expect(await send('POST', `/api/jobs/${jobId}/retry`)).toEqual(illegal(jobId, 'succeeded', 'queued'));
    expect(await send('POST', `/api/jobs/${jobId}/cancel`)).toEqual(illegal(jobId, 'succeeded', 'cancelled'));
    expect(await ok('GET', `/api/jobs/${jobId}`)).toMatchObject({ state: 'succeeded', attempt: 2 });
  });

  it('retries a cancelled stage job while its task is at that stage; once it moved on, 409 says why', async () => {
    const runId = await run();
    const made = await api.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: api.auth(),
      payload: { run_id: runId, title: 'retried in place' },
    });
    const { id: taskId, job } = made.json<{ id: number; job: { id: number } }>();
    await ok('POST', `/api/jobs/${job.id}/cancel`);
    // A person's retry releases the job, as a trigger would: it is queued at once.
    expect(await ok('POST', `/api/jobs/${job.id}/retry`)).toMatchObject({
      id: job.id,
      state: 'queued',
      attempt: 2,
    });

    const moved = await api.app.inject({
      method: 'POST',
      url: `/api/tasks/${taskId}/advance-stage`,
      headers: api.auth(),
      payload: { result: 'pass' },
    });
    expect(moved.statusCode).toBe(200);
    expect(await ok('GET', `/api/jobs/${job.id}`)).toMatchObject({ state: 'cancelled' });
    expect(await send('POST', `/api/jobs/${job.id}/retry`)).toEqual({
      status: 409,
      json: {
        error: {
          code: 'WH_ILLEGAL_JOB_TRANSITION',
          message: `job ${job.id} is cancelled and cannot be retried: it ran stage dev and task ${taskId} is now at qa`,
          details: { job_id: job.id, current_state: 'cancelled' },
        },
      },
    });
  });

  it('lets a viewer read jobs but not cancel or retry them', async () => {
    const jobId = await enqueue(await run());
    expect(await ok('GET', `/api/jobs/${jobId}`, 'viewer')).toMatchObject({ id: jobId, state: 'queued' });
    for (const action of ['cancel', 'retry']) {
      const { status, json } = await send('POST', `/api/jobs/${jobId}/${action}`, 'viewer');
      expect(status).toBe(403);
      expect(json).toMatchObject({ error: { code: 'WH_FORBIDDEN' } });
    }
    expect((await send('GET', '/api/jobs', null)).status).toBe(401);
    expect(await ok('GET', `/api/jobs/${jobId}`)).toMatchObject({ state: 'queued', attempt: 1 });
  });
});

describe('GET /api/status', () => {
  it('shows the queue counts changing and the registered workers', async () => {
    const queueOf = async () => ((await send('GET', '/api/status', null)).json.queue ?? {}) as Json;
    const before = await queueOf();
    expect(Object.keys(before).sort()).toEqual(
      ['cancelled', 'dead', 'failed', 'held', 'queued', 'running', 'succeeded'].sort(),
    );
    const runId = await run();
    const first = await enqueue(runId, { kind: 'test.api.status', priority: 9 });
    await enqueue(runId, { kind: 'test.api.status' });
    const shift = (after: Json, state: string) => (after[state] as number) - (before[state] as number);
    expect(shift(await queueOf(), 'queued')).toBe(2);
    await succeed(first, 'test.api.status');
    const after = await queueOf();
    expect([shift(after, 'queued'), shift(after, 'running'), shift(after, 'succeeded')]).toEqual([1, 0, 1]);

    const identity = { id: 'w-status', host: 'status-host', pid: 4242, concurrency: 3 };
    await registerWorker(api.ctx, identity);
    const status = (await send('GET', '/api/status', null)).json;
    expect(status.workers).toEqual([expect.objectContaining({ ...identity, stopped_at: null })]);
    await stopWorker(api.ctx, identity.id, 'test over');
    expect((await send('GET', '/api/status', null)).json.workers).toEqual([]);
  });
});
