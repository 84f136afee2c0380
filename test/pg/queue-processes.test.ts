/**
 * The job queue under real `wh worker` processes on PostgreSQL: four workers share 2,000 jobs and run
 * each exactly once; SIGTERM drains (running jobs finish, leases kept) or, past the grace period, releases
 * them at the same attempt for the next worker. Crashes and stalls are in queue-crashes.test.ts.
 */
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reclaimExpiredJobs } from '../../src/services/queue/finish-job.ts';
import { openQueueHarness, type QueueHarness, waitFor } from './worker-processes.ts';

let h: QueueHarness;

async function count(query: SQL): Promise<Record<string, number>> {
  const [row] = await h.rows<Record<string, number>>(query);
  return row!;
}

beforeAll(async () => {
  h = await openQueueHarness('queue-processes');
});
afterEach(() => h.cleanup());
afterAll(() => h?.close());

describe('wh worker processes', { timeout: 30_000 }, () => {
  it('four workers run 2,000 jobs, each exactly once', { timeout: 120_000 }, async () => {
    const workers = Array.from({ length: 4 }, () => h.startWorker('--concurrency', '4'));
    const ids = await Promise.all(workers.map((worker) => worker.id));
    // Half apply their result in the completing transaction; half succeed plainly and are handed over
    // (completed together with their slot's next claim).
    await h.database.db.execute(sql`insert into jobs (kind, role, run_id, state)
      select case when n % 2 = 0 then 'test.record' else 'test.plain' end, 'system', ${h.runId}, 'queued'
        from generate_series(1, 2000) as n`);

    await waitFor(
      'the queue to empty',
      async () =>
        (await h.rows(sql`select 1 from jobs where state in ('queued', 'running') limit 1`)).length === 0,
      90_000,
    );

    expect(
      await count(sql`select count(*)::int as total, count(distinct job_id)::int as jobs,
        count(*) filter (where attempt <> 1)::int as retried from test_results`),
    ).toEqual({ total: 2000, jobs: 2000, retried: 0 });
    expect(
      await count(sql`select count(*) filter (where state = 'succeeded')::int as succeeded,
        count(*) filter (where state <> 'succeeded')::int as other,
        count(*) filter (where not exists (select 1 from test_results r where r.job_id = j.id))::int as unrecorded
        from jobs j`),
    ).toEqual({ succeeded: 2000, other: 0, unrecorded: 0 });
    expect(
      await count(sql`select count(distinct job_id) filter (where type = 'job.succeeded')::int as jobs,
        count(*) filter (where type = 'job.succeeded')::int as succeeded,
        count(*) filter (where type = 'job.claimed')::int as claimed,
        count(*) filter (where type in ('job.stale_write_refused', 'job.lease_expired'))::int as trouble
        from events`),
    ).toEqual({ jobs: 2000, succeeded: 2000, claimed: 2000, trouble: 0 });
    // Hand-overs happened: claims committed in the same transaction as another job's completion.
    const [handedOver] = await h.rows<{ n: number }>(sql`select count(*)::int as n from events c
      where c.type = 'job.claimed'
        and exists (select 1 from events s where s.type = 'job.succeeded' and s.xmin = c.xmin)`);
    expect(handedOver!.n).toBeGreaterThan(0);
    const byWorker = await h.rows<{ worker: string }>(sql`select distinct worker from test_results`);
    expect(byWorker.length).toBeGreaterThan(1);
    expect(ids).toEqual(expect.arrayContaining(byWorker.map((row) => row.worker)));
  });

  it('drains on SIGTERM: running jobs finish within the grace period and the worker exits 0', async () => {
    const worker = h.startWorker('--concurrency', '3', '--grace-seconds', '10');
    const workerId = await worker.id;
    const jobIds = await Promise.all([1, 2, 3].map(() => h.enqueue('test.record', { sleepMs: 1500 })));
    await waitFor('the jobs to run', h.runningOn(jobIds, workerId));

    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });

    expect(await h.allSucceeded(jobIds)).toBe(true);
    for (const jobId of jobIds) expect(await h.results(jobId)).toEqual([{ attempt: 1, worker: workerId }]);
  });

  it('keeps renewing its leases while it drains, so no other worker takes its jobs', async () => {
    const draining = h.startWorker('--concurrency', '1', '--lease-seconds', '2', '--grace-seconds', '10');
    const drainingId = await draining.id;
    const jobId = await h.enqueue('test.record', { sleepMs: 4000 });
    await waitFor('the job to run', h.runningOn([jobId], drainingId));

    draining.child.kill('SIGTERM');
    // Sweep as the other workers would, for as long as the job runs: twice as long as its lease.
    let reclaimed = 0;
    let exited = false;
    const exit = draining.exit.finally(() => {
      exited = true;
    });
    while (!exited) {
      reclaimed += await reclaimExpiredJobs(h.database.db, 'test-sweeper');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await exit).toEqual({ code: 0, signal: null });

    expect(reclaimed).toBe(0);
    expect(await h.job(jobId)).toMatchObject({ state: 'succeeded', attempt: 1, lease_owner: drainingId });
    expect(await h.results(jobId)).toEqual([{ attempt: 1, worker: drainingId }]);
    expect(await h.jobEvents(jobId, 'job.stale_write_refused')).toEqual([]);
  });

  it('on SIGTERM past the grace period releases running jobs at the same attempt; nothing is lost', async () => {
    const worker = h.startWorker('--concurrency', '3', '--grace-seconds', '1');
    const workerId = await worker.id;
    const jobIds = await Promise.all([1, 2, 3].map(() => h.enqueue('test.record', { sleepMs: 60_000 })));
    await waitFor('the jobs to run', h.runningOn(jobIds, workerId));

    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5000);

    for (const jobId of jobIds) {
      expect(await h.job(jobId)).toMatchObject({
        state: 'queued',
        attempt: 1,
        lease_owner: null,
        lease_token: null,
      });
      expect(await h.jobEvents(jobId, 'job.released')).toEqual([
        { actor: workerId, payload: expect.objectContaining({ attempt: 1, reason: 'worker shutting down' }) },
      ]);
    }
    // The next worker runs them to the end (made short: the test need not wait a minute).
    await h.database.db.execute(
      sql`update jobs set payload = '{}' where id = any(${`{${jobIds.join(',')}}`}::bigint[])`,
    );
    const next = h.startWorker('--concurrency', '3');
    const nextId = await next.id;
    await waitFor('the next worker to finish them', () => h.allSucceeded(jobIds));
    for (const jobId of jobIds) expect(await h.results(jobId)).toEqual([{ attempt: 1, worker: nextId }]);
  });
});
