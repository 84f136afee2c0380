/**
 * The queue services called directly (PGlite and PostgreSQL): every write about a running job is fenced
 * by its lease token; expired leases are recovered with backoff or end dead; a paused run's jobs that come
 * back to the queue do not start until it resumes; retry rules; and claims return proper `Job` rows.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema.ts';
import type { EventType } from '../../src/domain/event-types.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { enqueueJob, getJob, type NewGenericJob, retryJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJob, claimJobs } from '../../src/services/queue/claim-job.ts';
import { completeAndClaim } from '../../src/services/queue/complete-and-claim.ts';
import {
  completeJob,
  completeJobWith,
  failJob,
  reclaimExpiredJobs,
  releaseJob,
} from '../../src/services/queue/finish-job.ts';
import { appendJobLog } from '../../src/services/queue/job-log.ts';
import { type Lease, renewLeases } from '../../src/services/queue/lease.ts';
import { createRun, setPaused } from '../../src/services/runs.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

type Extra = Omit<NewGenericJob, 'kind' | 'runId'>;

let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;

async function newRun(): Promise<number> {
  return (await createRun(ctx, { projectId, goal: 'queue', skipPlanning: true })).run.id;
}

async function enqueue(runId: number, kind: string, extra: Extra = {}): Promise<number> {
  return (await enqueueJob(ctx, { kind, runId, ...extra })).id;
}

function claimer(kind: string, workerId: string) {
  return () => claimJob(database.db, { workerId, kinds: [kind], leaseSeconds: 30 });
}

function leaseOf(job: { id: number; leaseToken: string | null } | null): Lease {
  if (!job?.leaseToken) throw new Error('expected a claimed job');
  return { jobId: job.id, leaseToken: job.leaseToken };
}

async function eventsOf(jobId: number, type: EventType) {
  return database.db
    .select({ actor: events.actor, payload: events.payload })
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, type)))
    .orderBy(asc(events.id));
}

async function backdateLease(jobId: number): Promise<void> {
  await database.db.execute(
    sql`update jobs set lease_expires_at = now() - interval '1 second' where id = ${jobId}`,
  );
}

/** Skips a retry's backoff instead of waiting it out. */
async function skipBackoff(jobId: number): Promise<void> {
  await database.db.execute(sql`update jobs set run_at = now() where id = ${jobId}`);
}

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  projectId = (await createProject(ctx, { name: 'queue-services', repository: '/repo' })).id;
});

afterEach(async () => {
  await database.db.execute(
    sql`update jobs set state = 'cancelled' where state in ('held', 'queued', 'running')`,
  );
});

afterAll(async () => {
  await database?.close();
});

describe('the queue services', () => {
  it('a claim returns the same Job row as reading the job does', async () => {
    const id = await enqueue(await newRun(), 'test.shape');
    const claimed = await claimer('test.shape', 'w-shape')();
    expect(claimed).toEqual(await getJob(database.db, id));
    expect(claimed?.startedAt).toBeInstanceOf(Date);
    const done = await completeJob(database.db, leaseOf(claimed), 'w-shape');
    expect(done).toEqual({ accepted: true, job: await getJob(database.db, id) });
  });

  it('fences writes by lease token: a stale token changes nothing and is recorded', async () => {
    const id = await enqueue(await newRun(), 'test.fence');
    const claim = claimer('test.fence', 'w-fence');
    expect(await claimer('test.other', 'w-other')()).toBeNull();
    const claimed = await claim();
    expect(claimed).toMatchObject({ id, state: 'running', attempt: 1, leaseOwner: 'w-fence' });
    expect(await claim()).toBeNull();
    const lease = leaseOf(claimed);
    const stale: Lease = { jobId: id, leaseToken: randomUUID() };
    const before = await getJob(database.db, id);

    expect(await completeJob(database.db, stale, 'w-stale', { report: { stale: true } })).toEqual({
      accepted: false,
    });
    expect(await failJob(database.db, stale, 'w-stale', { error: 'stale' })).toEqual({ accepted: false });
    expect(await releaseJob(database.db, stale, 'w-stale', 'stale')).toEqual({ accepted: false });
    expect(await renewLeases(database.db, [stale], 30)).toEqual(new Set());
    expect(await renewLeases(database.db, [stale], 0, true)).toEqual(new Set());

    expect(await getJob(database.db, id)).toEqual(before);
    expect(await eventsOf(id, 'job.stale_write_refused')).toEqual(
      ['result', 'failure', 'release'].map((what) => ({
        actor: 'w-stale',
        payload: { what, state: 'running', attempt: 1 },
      })),
    );
    expect(await renewLeases(database.db, [lease], 30)).toEqual(new Set([id]));
    const done = await completeJob(database.db, lease, 'w-fence', { report: { ok: true } });
    expect(done).toMatchObject({
      accepted: true,
      job: { state: 'succeeded', report: { ok: true }, leaseToken: null },
    });
    expect(await renewLeases(database.db, [lease], 30)).toEqual(new Set());
    expect(await completeJob(database.db, lease, 'w-fence')).toEqual({ accepted: false });
    expect(await eventsOf(id, 'job.succeeded')).toHaveLength(1);
  });

  it('a job reclaimed by a second worker: every write of the first, still running, changes nothing', async () => {
    const id = await enqueue(await newRun(), 'test.taken-over');
    const first = leaseOf(await claimer('test.taken-over', 'w-first')());
    await backdateLease(id);
    expect(await reclaimExpiredJobs(database.db, 'sweeper')).toBe(1);
    await skipBackoff(id);
    const second = leaseOf(await claimer('test.taken-over', 'w-second')());
    expect(await getJob(database.db, id)).toMatchObject({
      state: 'running',
      attempt: 2,
      leaseOwner: 'w-second',
    });
    const before = await getJob(database.db, id);
    const outputsBefore = (await eventsOf(id, 'job.output')).length;

    // The first worker, unaware, writes everything a running job writes.
    let applied = false;
    const apply = async () => {
      applied = true;
      return {
        type: 'job.succeeded' as const,
        payload: { kind: 'test.taken-over', attempt: 2, exit_code: 0 },
      };
    };
    expect(await appendJobLog(database.db, first, 'w-first', 'late output\n')).toBe(false);
    expect(await renewLeases(database.db, [first], 30)).toEqual(new Set());
    expect(await completeJobWith(database.db, first, 'w-first', { report: { late: true } }, apply)).toEqual({
      accepted: false,
    });
    expect(applied).toBe(false);
    expect(await completeJob(database.db, first, 'w-first', { report: { late: true } })).toEqual({
      accepted: false,
    });
    expect(await failJob(database.db, first, 'w-first', { error: 'late' })).toEqual({ accepted: false });
    expect(await releaseJob(database.db, first, 'w-first', 'late')).toEqual({ accepted: false });
    const batch = await completeAndClaim(
      database.db,
      [{ lease: first, completion: { report: { late: true } } }],
      { workerId: 'w-first', kinds: ['test.taken-over'], leaseSeconds: 30 },
      1,
    );
    expect(batch.completed.has(id)).toBe(false);

    expect(await getJob(database.db, id)).toEqual(before);
    expect(await eventsOf(id, 'job.output')).toHaveLength(outputsBefore);
    // Each refused write of an outcome says what it was (a refused log chunk or renewal is only refused).
    expect(
      (await eventsOf(id, 'job.stale_write_refused')).map((event) => [event.actor, event.payload.what]),
    ).toEqual([
      ['w-first', 'result'],
      ['w-first', 'result'],
      ['w-first', 'failure'],
      ['w-first', 'release'],
      ['w-first', 'result'],
    ]);
    // The second worker's writes are the ones that count.
    expect(await appendJobLog(database.db, second, 'w-second', 'its output\n')).toBe(true);
    const done = await completeJobWith(database.db, second, 'w-second', { report: { ok: true } }, apply);
    expect(done).toMatchObject({ accepted: true, job: { state: 'succeeded', log: 'its output\n' } });
    expect(applied).toBe(true);
    // The outcome's event is about the job's project, run and task even when `apply` did not say.
    const [outcome] = await database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, id), eq(events.type, 'job.succeeded')));
    expect(outcome).toMatchObject({ projectId, runId: before.runId, taskId: null, actor: 'w-second' });
    expect(outcome!.payload).toEqual({
      kind: 'test.taken-over',
      attempt: 2,
      exit_code: 0,
      job: { kind: 'test.taken-over', attempt: 2, state: 'succeeded' },
    });
  });

  it('reclaims an expired lease at the next attempt with backoff, or as dead when attempts are used', async () => {
    const id = await enqueue(await newRun(), 'test.reclaim', { maxAttempts: 2 });
    const claim = claimer('test.reclaim', 'w-lost');
    const first = leaseOf(await claim());
    expect(await reclaimExpiredJobs(database.db, 'sweeper')).toBe(0);

    await backdateLease(id);
    expect(await reclaimExpiredJobs(database.db, 'sweeper')).toBe(1);
    expect(await getJob(database.db, id)).toMatchObject({
      state: 'queued',
      attempt: 2,
      leaseToken: null,
      leaseExpiresAt: null,
      finishedAt: null,
      lastError: 'lease expired: worker w-lost stopped renewing it',
    });
    const delay = await database.db.execute<{ seconds: number }>(
      sql`select extract(epoch from run_at - now())::float8 as seconds from jobs where id = ${id}`,
    );
    expect(Number(delay.rows[0]!.seconds)).toBeGreaterThan(1);
    expect(await eventsOf(id, 'job.lease_expired')).toEqual([
      { actor: 'sweeper', payload: expect.objectContaining({ attempt: 2 }) },
    ]);
    expect(await claim()).toBeNull();
    expect(await completeJob(database.db, first, 'w-lost')).toEqual({ accepted: false });

    await skipBackoff(id);
    expect(await claim()).toMatchObject({ id, attempt: 2, state: 'running' });
    await backdateLease(id);
    expect(await reclaimExpiredJobs(database.db, 'sweeper')).toBe(1);
    const dead = await getJob(database.db, id);
    expect(dead).toMatchObject({ state: 'dead', attempt: 2, leaseToken: null });
    expect(dead.finishedAt).not.toBeNull();
    expect(await eventsOf(id, 'job.dead')).toEqual([
      { actor: 'sweeper', payload: expect.objectContaining({ attempt: 2 }) },
    ]);
    expect(await claim()).toBeNull();
  });

  it("a paused run's jobs that come back to the queue do not start until it resumes", async () => {
    const runId = await newRun();
    const claim = claimer('test.paused', 'w-paused');
    const ids = [await enqueue(runId, 'test.paused'), await enqueue(runId, 'test.paused')];
    ids.push(await enqueue(runId, 'test.paused'));
    const [failing, draining, lost] = [
      leaseOf(await claim()),
      leaseOf(await claim()),
      leaseOf(await claim()),
    ];
    await setPaused(ctx, runId, true);

    expect(await failJob(database.db, failing, 'w-paused', { error: 'try again' })).toMatchObject({
      accepted: true,
    });
    expect(await releaseJob(database.db, draining, 'w-paused', 'worker shutting down')).toMatchObject({
      accepted: true,
    });
    await backdateLease(lost.jobId);
    expect(await reclaimExpiredJobs(database.db, 'sweeper')).toBe(1);
    for (const id of ids) await skipBackoff(id);
    expect(await claim()).toBeNull();

    await setPaused(ctx, runId, false);
    for (const id of ids) await skipBackoff(id);
    const resumed = [await claim(), await claim(), await claim()].map((job) => job?.id);
    expect(resumed.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(ids);
  });

  it('retryJob queues a dead job again and refuses a succeeded one', async () => {
    const id = await enqueue(await newRun(), 'test.retry', { maxAttempts: 1 });
    const claim = claimer('test.retry', 'w-retry');
    const failed = await failJob(database.db, leaseOf(await claim()), 'w-retry', { error: 'boom' });
    expect(failed).toMatchObject({ accepted: true, job: { state: 'dead', attempt: 1 } });

    expect(await retryJob(ctx, id)).toMatchObject({
      state: 'queued',
      attempt: 2,
      maxAttempts: 2,
      finishedAt: null,
    });
    expect(await eventsOf(id, 'job.retried')).toEqual([
      { actor: 'test', payload: { from: 'dead', attempt: 2 } },
    ]);
    const second = await claim();
    expect(second).toMatchObject({ id, attempt: 2 });
    expect(await completeJob(database.db, leaseOf(second), 'w-retry')).toMatchObject({ accepted: true });
    const succeeded = await getJob(database.db, id);

    await expect(retryJob(ctx, id)).rejects.toMatchObject({
      code: 'WH_ILLEGAL_JOB_TRANSITION',
      status: 409,
      details: { job_id: id, current_state: 'succeeded' },
    });
    expect(await getJob(database.db, id)).toEqual(succeeded);
  });
  it("publishes a log chunk's last 4,000 characters as its event; the log keeps it all", async () => {
    const id = await enqueue(await newRun(), 'test.log');
    const lease = leaseOf(await claimer('test.log', 'w-log')());
    const chunk = `${'a'.repeat(1000)}${'b'.repeat(4000)}`;
    expect(await appendJobLog(database.db, lease, 'w-log', chunk)).toBe(true);
    expect(await eventsOf(id, 'job.output')).toEqual([
      { actor: 'w-log', payload: { chunk: 'b'.repeat(4000), chars: 5000 } },
    ]);
    expect((await getJob(database.db, id)).log).toBe(chunk);
  });

  it("records a batch completion's usage: backend, exit code, tokens and cost", async () => {
    const id = await enqueue(await newRun(), 'test.usage');
    const lease = leaseOf(await claimer('test.usage', 'w-usage')());
    const usage = { backend: 'claude', exitCode: 3, inputTokens: 1200, outputTokens: 340, costUsd: 0.0125 };
    const handed = await completeAndClaim(
      database.db,
      [{ lease, completion: { report: { ok: true }, ...usage } }],
      { workerId: 'w-usage', kinds: ['test.usage'], leaseSeconds: 30 },
      0,
    );
    expect(handed.completed).toEqual(new Set([id]));
    expect(await getJob(database.db, id)).toMatchObject({ state: 'succeeded', ...usage });
  });

  it('claims a batch in priority order, then completes it and claims the next ones in one transaction', async () => {
    const runId = await newRun();
    const priorities = [2, 9, 5, 9, 7, 1];
    const ids: number[] = [];
    for (const priority of priorities) ids.push(await enqueue(runId, 'test.batch', { priority }));
    const [p2, p9a, p5, p9b, p7, p1] = ids as [number, number, number, number, number, number];
    const options = { workerId: 'w-batch', kinds: ['test.batch'], leaseSeconds: 30 };

    const first = await claimJobs(database.db, options, 2);
    expect(first.map((job) => job.id)).toEqual([p9a, p9b]);
    // Characters that need escaping inside a PostgreSQL array literal survive the round trip.
    const tricky = { text: 'a "quoted", {braced} \\ value', list: [1, null] };
    const stale: Lease = { jobId: p5, leaseToken: randomUUID() };
    const handed = await completeAndClaim(
      database.db,
      [
        { lease: leaseOf(first[0]!), completion: { report: tricky, backend: 'scripted', exitCode: 0 } },
        { lease: leaseOf(first[1]!), completion: {} },
        { lease: stale, completion: { report: { stale: true } } },
      ],
      options,
      3,
    );

    expect(handed.completed).toEqual(new Set([p9a, p9b]));
    expect(handed.claimed.map((job) => job.id)).toEqual([p7, p5, p2]);
    expect(handed.claimed.map((job) => job.state)).toEqual(['running', 'running', 'running']);
    expect(handed.claimed).toEqual(await Promise.all([p7, p5, p2].map((id) => getJob(database.db, id))));
    expect(await getJob(database.db, p9a)).toMatchObject({
      state: 'succeeded',
      report: tricky,
      backend: 'scripted',
      exitCode: 0,
      leaseToken: null,
    });
    expect(await getJob(database.db, p9b)).toMatchObject({ state: 'succeeded', report: null });
    expect(await eventsOf(p5, 'job.stale_write_refused')).toEqual([
      { actor: 'w-batch', payload: { what: 'result', state: 'running', attempt: 1 } },
    ]);
    expect(await eventsOf(p5, 'job.succeeded')).toEqual([]);

    // One transaction wrote both completions and all three claims, each job its own event.
    const written = await database.db.execute<{ type: string; job_id: number; tx: string }>(sql`
      select type, job_id, xmin::text as tx from events
       where job_id = any(${sql.param(ids)}::bigint[]) and type in ('job.succeeded', 'job.claimed')
         and id > (select max(id) from events where type = 'job.claimed' and job_id = ${p9b})
       order by id`);
    expect(written.rows.map((row) => [row.type, Number(row.job_id)])).toEqual([
      ['job.succeeded', p9a],
      ['job.succeeded', p9b],
      ...[p7, p5, p2].map((id) => ['job.claimed', id]),
    ]);
    expect(new Set(written.rows.map((row) => row.tx)).size).toBe(1);

    // A worker that is stopping completes without claiming; an empty queue gives fewer than asked for.
    const last = await completeAndClaim(
      database.db,
      [{ lease: leaseOf(handed.claimed[0]!), completion: {} }],
      options,
      0,
    );
    expect(last).toEqual({ completed: new Set([p7]), claimed: [] });
    const rest = await completeAndClaim(database.db, [], options, 5);
    expect(rest.claimed.map((job) => job.id)).toEqual([p1]);
  });
});
