/**
 * The worker registry and lease renewal, called directly (PGlite and PostgreSQL): who counts as live, when
 * a silent worker is marked lost and when it is not yet, what a returning worker announces, and how far a
 * renewal moves a lease (only for the holder of the current token of a running job).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs, workers } from '../../src/db/schema.ts';
import type { EventType } from '../../src/domain/event-types.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { enqueueJob } from '../../src/services/jobs.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJob } from '../../src/services/queue/claim-job.ts';
import { type Lease, renewLeases } from '../../src/services/queue/lease.ts';
import {
  heartbeatWorker,
  markLostWorkers,
  registerWorker,
  reviveWorker,
  stopWorker,
} from '../../src/services/queue/workers.ts';
import { createRun } from '../../src/services/runs.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'registry-test' };
  projectId = (await createProject(ctx, { name: 'worker-registry', repository: '/repo' })).id;
});

afterAll(async () => {
  await database?.close();
});

function identity(id: string) {
  return { id, host: `host-of-${id}`, pid: 4242, concurrency: 3 };
}

async function workerRow(id: string) {
  const [row] = await database.db.select().from(workers).where(eq(workers.id, id));
  return row;
}

async function eventsAbout(type: EventType, workerId: string) {
  const rows = await database.db
    .select({ actor: events.actor, payload: events.payload })
    .from(events)
    .where(and(eq(events.type, type), sql`${events.payload}->>'worker_id' = ${workerId}`))
    .orderBy(asc(events.id));
  return rows;
}

/** Makes a worker look silent for `seconds`, instead of waiting. */
async function silenceFor(id: string, seconds: number): Promise<void> {
  await database.db
    .update(workers)
    .set({ lastHeartbeatAt: sql`now() - make_interval(secs => ${seconds})` })
    .where(eq(workers.id, id));
}

describe('the worker registry', () => {
  it('registers a worker as live, with its identity in the row and in worker.started', async () => {
    await registerWorker(ctx, identity('w-registered'));
    expect(await workerRow('w-registered')).toMatchObject({ ...identity('w-registered'), stoppedAt: null });
    const [started] = await database.db
      .select({ actor: events.actor, payload: events.payload })
      .from(events)
      .where(and(eq(events.type, 'worker.started'), sql`${events.payload}->>'id' = 'w-registered'`));
    expect(started).toEqual({ actor: 'registry-test', payload: identity('w-registered') });
  });

  it('a heartbeat says whether the worker is still live, and moves its last heartbeat', async () => {
    await registerWorker(ctx, identity('w-beating'));
    await silenceFor('w-beating', 60);
    const before = (await workerRow('w-beating'))!.lastHeartbeatAt;
    expect(await heartbeatWorker(database.db, 'w-beating')).toBe(true);
    expect((await workerRow('w-beating'))!.lastHeartbeatAt.getTime()).toBeGreaterThan(before.getTime());

    await stopWorker(ctx, 'w-beating', 'test');
    expect(await heartbeatWorker(database.db, 'w-beating')).toBe(false);
    expect(await heartbeatWorker(database.db, 'w-never-registered')).toBe(false);
  });

  it('marks lost only the live workers silent longer than the limit, one worker.lost each', async () => {
    for (const id of ['w-silent', 'w-recent', 'w-stopped-silent']) await registerWorker(ctx, identity(id));
    await silenceFor('w-silent', 120);
    await silenceFor('w-recent', 30);
    await stopWorker(ctx, 'w-stopped-silent', 'drained');
    await silenceFor('w-stopped-silent', 120);
    const stoppedAt = (await workerRow('w-stopped-silent'))!.stoppedAt;

    const lost = await markLostWorkers(ctx, 90);

    expect(lost).toContain('w-silent');
    expect(lost).not.toContain('w-recent');
    expect(lost).not.toContain('w-stopped-silent');
    expect((await workerRow('w-silent'))!.stoppedAt).toBeInstanceOf(Date);
    expect((await workerRow('w-recent'))!.stoppedAt).toBeNull();
    expect((await workerRow('w-stopped-silent'))!.stoppedAt).toEqual(stoppedAt);
    const heartbeat = (await workerRow('w-silent'))!.lastHeartbeatAt;
    expect(await eventsAbout('worker.lost', 'w-silent')).toEqual([
      {
        actor: 'registry-test',
        payload: {
          worker_id: 'w-silent',
          host: 'host-of-w-silent',
          pid: 4242,
          last_heartbeat_at: heartbeat.toISOString(),
          reason: 'no heartbeat for 90 s',
        },
      },
    ]);
    expect(await eventsAbout('worker.lost', 'w-recent')).toEqual([]);
    // Already lost: a second sweep finds nothing new.
    expect(await markLostWorkers(ctx, 90)).not.toContain('w-silent');
    expect(await eventsAbout('worker.lost', 'w-silent')).toHaveLength(1);
  });

  it('revives a lost worker once, with worker.returned; a live one needs no revival', async () => {
    await registerWorker(ctx, identity('w-returning'));
    await silenceFor('w-returning', 600);
    expect(await markLostWorkers(ctx, 300)).toContain('w-returning');

    await reviveWorker(ctx, 'w-returning');
    expect((await workerRow('w-returning'))!.stoppedAt).toBeNull();
    await reviveWorker(ctx, 'w-returning');
    expect(await eventsAbout('worker.returned', 'w-returning')).toEqual([
      { actor: 'registry-test', payload: { worker_id: 'w-returning' } },
    ]);
  });

  it('stops a worker with its reason', async () => {
    await registerWorker(ctx, identity('w-stopping'));
    await stopWorker(ctx, 'w-stopping', 'SIGTERM: drained');
    expect((await workerRow('w-stopping'))!.stoppedAt).toBeInstanceOf(Date);
    expect(await eventsAbout('worker.stopped', 'w-stopping')).toEqual([
      { actor: 'registry-test', payload: { worker_id: 'w-stopping', reason: 'SIGTERM: drained' } },
    ]);
  });
});

describe('lease renewal', () => {
  async function claimed(kind: string): Promise<Lease> {
    const runId = (await createRun(ctx, { projectId, goal: kind, skipPlanning: true })).run.id;
    await enqueueJob(ctx, { kind, runId });
    const job = await claimJob(database.db, { workerId: `w-${kind}`, kinds: [kind], leaseSeconds: 30 });
    if (!job?.leaseToken) throw new Error('expected a claimed job');
    return { jobId: job.id, leaseToken: job.leaseToken };
  }

  /** Seconds from the database's now to the job's lease expiry. */
  async function leaseLeft(jobId: number): Promise<number> {
    const [row] = await database.db
      .select({ left: sql<number>`extract(epoch from ${jobs.leaseExpiresAt} - now())::float8` })
      .from(jobs)
      .where(eq(jobs.id, jobId));
    return row!.left;
  }

  it('extends each held lease by the given seconds, in one call for many', async () => {
    const a = await claimed('test.renew-a');
    const b = await claimed('test.renew-b');
    expect(await renewLeases(database.db, [a, b], 600)).toEqual(new Set([a.jobId, b.jobId]));
    for (const lease of [a, b]) {
      expect(await leaseLeft(lease.jobId)).toBeGreaterThan(590);
      expect(await leaseLeft(lease.jobId)).toBeLessThanOrEqual(600);
    }
  });

  it('only looks, with checkOnly: the lease keeps its expiry', async () => {
    const lease = await claimed('test.renew-look');
    const left = await leaseLeft(lease.jobId);
    expect(await renewLeases(database.db, [lease], 600, true)).toEqual(new Set([lease.jobId]));
    expect(await leaseLeft(lease.jobId)).toBeLessThanOrEqual(left);
  });

  it('leaves out a job whose token is not current, or that no longer runs; none held, none asked', async () => {
    const current = await claimed('test.renew-current');
    const wrongToken: Lease = { jobId: current.jobId, leaseToken: randomUUID() };
    const finished = await claimed('test.renew-finished');
    await database.db.update(jobs).set({ state: 'succeeded' }).where(eq(jobs.id, finished.jobId));
    const left = await leaseLeft(current.jobId);

    expect(await renewLeases(database.db, [wrongToken, finished], 600)).toEqual(new Set());
    expect(await leaseLeft(current.jobId)).toBeLessThanOrEqual(left);
    expect(await renewLeases(database.db, [wrongToken, current, finished], 600)).toEqual(
      new Set([current.jobId]),
    );
    expect(await renewLeases(database.db, [], 600)).toEqual(new Set());
  });
});
