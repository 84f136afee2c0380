/**
 * The job queue with an in-process Worker (PGlite and PostgreSQL): claim order, paused and killed runs,
 * NOTIFY wake-ups, poison jobs, cancellation of a running child process. The queue services' own rules
 * (fencing, lease recovery, retry) are in queue-services.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs } from '../../src/db/schema.ts';
import type { EventType } from '../../src/domain/event-types.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { cancelJob, enqueueJob, getJob, type NewGenericJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun, killRun, setPaused } from '../../src/services/runs.ts';
import { Worker, type WorkerOptions } from '../../src/worker/worker.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { isAlive, sleepChildren } from '../support/processes.ts';
import { handlers } from '../support/queue-handlers.ts';

type Extra = Omit<NewGenericJob, 'kind' | 'runId'>;

let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;
const workers: Worker[] = [];
const sleepers = new Set<number>();

async function newRun(): Promise<number> {
  return (await createRun(ctx, { projectId, goal: 'queue', skipPlanning: true })).run.id;
}

async function enqueue(runId: number, kind: string, extra: Extra = {}): Promise<number> {
  return (await enqueueJob(ctx, { kind, runId, ...extra })).id;
}

async function startWorker(options: Partial<Omit<WorkerOptions, 'database' | 'handlers'>>): Promise<Worker> {
  const worker = new Worker({ database, handlers, concurrency: 1, id: `w-${randomUUID()}`, ...options });
  workers.push(worker);
  await worker.start();
  return worker;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

function allIn(ids: number[], state: string) {
  return async () => {
    const rows = await database.db.select({ state: jobs.state }).from(jobs).where(inArray(jobs.id, ids));
    return rows.length === ids.length && rows.every((row) => row.state === state);
  };
}

async function eventsOf(jobId: number, type: EventType) {
  return database.db
    .select({ actor: events.actor, payload: events.payload })
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, type)))
    .orderBy(asc(events.id));
}

async function resultCount(ids: number[]): Promise<number> {
  const result = await database.db.execute<{ n: number }>(
    sql`select count(*)::int as n from test_results where job_id = any(${`{${ids.join(',')}}`}::bigint[])`,
  );
  return Number(result.rows[0]!.n);
}

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  await database.db.execute(
    sql`create table test_results (job_id bigint, attempt int, worker text, unique (job_id, attempt))`,
  );
  projectId = (await createProject(ctx, { name: 'queue-worker', repository: '/repo' })).id;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(0)));
  for (const pid of sleepers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  sleepers.clear();
  await database.db.execute(
    sql`update jobs set state = 'cancelled' where state in ('held', 'queued', 'running')`,
  );
});

afterAll(async () => {
  await database?.close();
});

describe('an in-process worker', { timeout: 20_000 }, () => {
  // test.record applies its result in the completing transaction; test.plain succeeds plainly and is handed
  // over: completed in the statement that claims the slot's next job.
  it.each(['test.record', 'test.plain'])(
    'claims by priority, then oldest; never from a paused run (until resumed) or a killed run (%s)',
    async (kind) => {
      const runId = await newRun();
      const priorities = [3, 8, 5, 8, 1, 5];
      const ids: number[] = [];
      for (const priority of priorities) ids.push(await enqueue(runId, kind, { priority }));
      const pausedRun = await newRun();
      const pausedJobs = [await enqueue(pausedRun, kind, { priority: 10 })];
      await setPaused(ctx, pausedRun, true);
      pausedJobs.push(await enqueue(pausedRun, kind, { priority: 10 }));
      const killedRun = await newRun();
      const killedJob = await enqueue(killedRun, kind, { priority: 10 });
      await killRun(ctx, killedRun);

      // Only NOTIFY wakes this worker after its first look: resuming must wake it too.
      await startWorker({ concurrency: 1, pollMs: 60_000 });
      await waitFor('the run to be done', allIn(ids, 'succeeded'));
      const claimed = await database.db
        .select({ jobId: events.jobId })
        .from(events)
        .where(and(eq(events.type, 'job.claimed'), inArray(events.jobId, [...ids, ...pausedJobs, killedJob])))
        .orderBy(asc(events.id));
      const byPriority = ids
        .map((id, index) => ({ id, priority: priorities[index]! }))
        .sort((a, b) => b.priority - a.priority || a.id - b.id)
        .map((job) => job.id);
      expect(claimed.map((row) => row.jobId)).toEqual(byPriority);

      await sleep(200);
      expect(await allIn(pausedJobs, 'held')()).toBe(true);
      await setPaused(ctx, pausedRun, false);
      await waitFor('the resumed run to be done', allIn(pausedJobs, 'succeeded'), 3000);
      expect(await getJob(database.db, killedJob)).toMatchObject({ state: 'cancelled', startedAt: null });
      expect(await eventsOf(killedJob, 'job.claimed')).toEqual([]);
    },
  );

  it('starts a job at once when it is queued: NOTIFY wakes it, not polling', async () => {
    const runId = await newRun();
    await startWorker({ concurrency: 1, pollMs: 60_000, sweepMs: 60_000 });
    await sleep(200);
    const queuedAt = Date.now();
    const id = await enqueue(runId, 'test.record');
    await waitFor('the job to run', allIn([id], 'succeeded'), 3000);
    expect(Date.now() - queuedAt).toBeLessThan(3000);
  });

  it('a poison job is retried, then dead, while the 20 jobs beside it all succeed', async () => {
    const runId = await newRun();
    await startWorker({ concurrency: 4, pollMs: 50 });
    const poison = await enqueue(runId, 'test.poison', { maxAttempts: 3 });
    const records: number[] = [];
    for (let index = 0; index < 20; index += 1) records.push(await enqueue(runId, 'test.record'));

    await waitFor('the poison job to be dead', async () => {
      // Skip the retry backoff instead of waiting it out.
      await database.db.execute(
        sql`update jobs set run_at = now() where id = ${poison} and state = 'queued' and run_at > now()`,
      );
      return (await getJob(database.db, poison)).state === 'dead';
    });
    await waitFor('the other jobs to succeed', allIn(records, 'succeeded'));

    const dead = await getJob(database.db, poison);
    expect(dead).toMatchObject({ state: 'dead', attempt: 3, leaseToken: null });
    expect(dead.lastError).toContain('poison');
    expect(dead.finishedAt).not.toBeNull();
    expect((await eventsOf(poison, 'job.retry_scheduled')).map((event) => event.payload.attempt)).toEqual([
      2, 3,
    ]);
    expect(await eventsOf(poison, 'job.dead')).toHaveLength(1);
    expect(await eventsOf(poison, 'job.claimed')).toHaveLength(3);
    expect(await resultCount(records)).toBe(20);
  });

  it('cancelling a running job kills its child process within 2 s', async () => {
    const runId = await newRun();
    const worker = await startWorker({ concurrency: 1 });
    const id = await enqueue(runId, 'test.child', { payload: { seconds: 61 } });
    const [pid] = await waitFor('its sleep process', async () => {
      const found = sleepChildren(process.pid, 61);
      return found.length > 0 && found;
    });
    sleepers.add(pid!);

    const cancelledAt = Date.now();
    await cancelJob(ctx, id);
    await waitFor('the sleep process to end', async () => !isAlive(pid!), 2000);
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    await waitFor('the worker to let go', async () => worker.activeJobIds.length === 0);

    expect(await getJob(database.db, id)).toMatchObject({
      state: 'cancelled',
      lastError: 'cancelled by test',
    });
    expect(await eventsOf(id, 'job.stale_write_refused')).toEqual([
      { actor: worker.id, payload: { what: 'failure', state: 'cancelled', attempt: 1 } },
    ]);
  });
});
