/**
 * Every job event, from the services and from the queue's own statements (PGlite and PostgreSQL): each
 * change appends exactly one event, carrying the project, run, task and job it is about, so a project's
 * event feed (and the live stream filtered by project) misses none of them.
 */
import { desc, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { cancelJob, enqueueJob, retryJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJobs } from '../../src/services/queue/claim-job.ts';
import { completeJob, failJob, reclaimExpiredJobs, releaseJob } from '../../src/services/queue/finish-job.ts';
import { appendJobLog } from '../../src/services/queue/job-log.ts';
import { type Lease, recordRefusedWrite } from '../../src/services/queue/lease.ts';
import { createRun } from '../../src/services/runs.ts';
import { createTask } from '../../src/services/tasks.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;
let runId: number;
let kinds = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  projectId = (await createProject(ctx, { name: 'job-events', repository: '/repo' })).id;
  runId = (await createRun(ctx, { projectId, goal: 'events', skipPlanning: true })).run.id;
});

afterAll(() => database?.close());

async function lastId(): Promise<number> {
  const [row] = await database.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
  return row?.id ?? 0;
}

/** Runs `change` and returns the one event it appended (failing if it appended none or several). */
async function onlyEvent(change: () => Promise<unknown>) {
  const before = await lastId();
  await change();
  const appended = await database.db.select().from(events).where(gt(events.id, before));
  expect(appended.map((event) => event.type)).toHaveLength(1);
  return appended[0]!;
}

/** A queued job of a kind of its own, claimed by worker 'test'; returns its lease. */
async function claimed(): Promise<Lease & { id: number }> {
  const kind = `test.events.${++kinds}`;
  const job = await enqueueJob(ctx, { kind, runId });
  const [claim] = await claimJobs(database.db, { workerId: 'test', kinds: [kind], leaseSeconds: 30 }, 1);
  return { id: job.id, jobId: job.id, leaseToken: claim!.leaseToken! };
}

const about = (jobId: number, taskId: number | null = null) => ({ projectId, runId, taskId, jobId });

describe('job events carry their project, run, task and job', () => {
  it('job.enqueued and job.claimed', async () => {
    const kind = 'test.events.claim';
    const enqueued = await onlyEvent(() => enqueueJob(ctx, { kind, runId }));
    expect(enqueued).toMatchObject({ type: 'job.enqueued', ...about(enqueued.jobId!) });
    const claim = await onlyEvent(() =>
      claimJobs(database.db, { workerId: 'test', kinds: [kind], leaseSeconds: 30 }, 1),
    );
    expect(claim).toMatchObject({ type: 'job.claimed', ...about(enqueued.jobId!), actor: 'test' });
  });

  it('job.output, job.succeeded', async () => {
    const lease = await claimed();
    expect(await onlyEvent(() => appendJobLog(database.db, lease, 'test', 'hello\n'))).toMatchObject({
      type: 'job.output',
      ...about(lease.id),
    });
    expect(await onlyEvent(() => completeJob(database.db, lease, 'test'))).toMatchObject({
      type: 'job.succeeded',
      ...about(lease.id),
    });
  });

  it('job.retry_scheduled, job.released, job.lease_expired, job.stale_write_refused', async () => {
    const failing = await claimed();
    expect(await onlyEvent(() => failJob(database.db, failing, 'test', { error: 'no' }))).toMatchObject({
      type: 'job.retry_scheduled',
      ...about(failing.id),
    });
    const released = await claimed();
    expect(await onlyEvent(() => releaseJob(database.db, released, 'test', 'draining'))).toMatchObject({
      type: 'job.released',
      ...about(released.id),
    });
    const expired = await claimed();
    await database.db.execute(
      sql`update jobs set lease_expires_at = now() - interval '1 minute' where id = ${expired.id}`,
    );
    expect(await onlyEvent(() => reclaimExpiredJobs(database.db, 'test'))).toMatchObject({
      type: 'job.lease_expired',
      ...about(expired.id),
    });
    expect(await onlyEvent(() => recordRefusedWrite(database.db, expired, 'test', 'result'))).toMatchObject({
      type: 'job.stale_write_refused',
      ...about(expired.id),
    });
  });

  it('job.cancelled and job.retried, for a task job with its task', async () => {
    const { task, job } = await createTask(ctx, { runId, title: 'a task' });
    expect(await onlyEvent(() => cancelJob(ctx, job!.id))).toMatchObject({
      type: 'job.cancelled',
      ...about(job!.id, task.id),
    });
    expect(await onlyEvent(() => retryJob(ctx, job!.id))).toMatchObject({
      type: 'job.retried',
      ...about(job!.id, task.id),
    });
  });
});
