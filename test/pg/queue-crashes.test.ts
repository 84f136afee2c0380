/**
 * `wh worker` processes that die or stall on PostgreSQL: a job whose worker is SIGKILLed is reclaimed and
 * finished by another; a stalled worker's late result changes nothing; killing a run kills its running
 * job's child process.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reclaimExpiredJobs } from '../../src/services/queue/finish-job.ts';
import { createRun, killRun } from '../../src/services/runs.ts';
import { isAlive, sleepChildren } from '../support/processes.ts';
import { openQueueHarness, type QueueHarness, waitFor } from './worker-processes.ts';

let h: QueueHarness;

async function expireLease(jobId: number): Promise<void> {
  await h.database.db.execute(
    sql`update jobs set lease_expires_at = now() - interval '1 second' where id = ${jobId}`,
  );
}

beforeAll(async () => {
  h = await openQueueHarness('queue-crashes');
});
afterEach(() => h.cleanup());
afterAll(() => h?.close());

describe('wh worker processes that crash or stall', { timeout: 30_000 }, () => {
  it('a job whose worker is killed with SIGKILL is reclaimed and finished by another', async () => {
    const first = h.startWorker('--concurrency', '1', '--lease-seconds', '3');
    const firstId = await first.id;
    const jobId = await h.enqueue('test.record', { sleepMs: 60_000 });
    await waitFor('the first worker to claim the job', h.runningOn([jobId], firstId));

    first.child.kill('SIGKILL');
    await first.exit;
    // The lease runs out now instead of in three seconds; the rest of the job is made short.
    await expireLease(jobId);
    await h.database.db.execute(sql`update jobs set payload = '{}' where id = ${jobId}`);
    const second = h.startWorker('--concurrency', '1', '--lease-seconds', '3');
    const secondId = await second.id;
    await waitFor(
      'the lease to be reclaimed',
      async () => (await h.jobEvents(jobId, 'job.lease_expired')).length,
    );
    // Skip the retry backoff (naming `state` wakes the workers).
    await h.database.db.execute(sql`update jobs set state = 'queued', run_at = now()
      where id = ${jobId} and state = 'queued'`);
    await waitFor('the second worker to finish', () => h.allSucceeded([jobId]));

    expect(await h.job(jobId)).toMatchObject({ state: 'succeeded', attempt: 2, lease_owner: secondId });
    expect(await h.results(jobId)).toEqual([{ attempt: 2, worker: secondId }]);
    expect(await h.jobEvents(jobId, 'job.lease_expired')).toEqual([
      { actor: secondId, payload: expect.objectContaining({ attempt: 2 }) },
    ]);
    expect((await h.jobEvents(jobId, 'job.claimed')).map((event) => event.actor)).toEqual([
      firstId,
      secondId,
    ]);
  });

  // test.stubborn applies its result in the completing transaction; test.stubborn-plain succeeds plainly,
  // so its result would be written together with the worker's next claim.
  it.each(['test.stubborn', 'test.stubborn-plain'])(
    "refuses a stalled worker's late result after another worker finished the job (%s)",
    async (kind) => {
      const first = h.startWorker('--concurrency', '1', '--lease-seconds', '2');
      const firstId = await first.id;
      const jobId = await h.enqueue(kind, { sleepMs: 4000 });
      await waitFor('the first worker to claim the job', h.runningOn([jobId], firstId));

      first.child.kill('SIGSTOP');
      await expireLease(jobId);
      expect(await reclaimExpiredJobs(h.database.db, 'test-sweeper')).toBe(1);
      await h.database.db.execute(sql`update jobs set run_at = now() where id = ${jobId}`);
      const second = h.startWorker('--concurrency', '1');
      const secondId = await second.id;
      await waitFor('the second worker to finish', () => h.allSucceeded([jobId]));
      const finished = await h.job(jobId);

      first.child.kill('SIGCONT');
      await waitFor(
        'the late result',
        async () => (await h.jobEvents(jobId, 'job.stale_write_refused')).length,
      );
      const refused = await h.jobEvents(jobId, 'job.stale_write_refused');

      expect(refused).toEqual([
        { actor: firstId, payload: { what: 'result', state: 'succeeded', attempt: 2 } },
      ]);
      expect(await h.results(jobId)).toEqual(
        kind === 'test.stubborn' ? [{ attempt: 2, worker: secondId }] : [],
      );
      expect(finished).toMatchObject({
        state: 'succeeded',
        attempt: 2,
        lease_owner: secondId,
        lease_token: null,
      });
      expect(finished.report).toEqual({ worker: secondId });
      expect(await h.job(jobId)).toEqual(finished);
      expect(await h.jobEvents(jobId, 'job.succeeded')).toHaveLength(1);
    },
  );

  it("killing a run kills its running job's child process within 2 s", async () => {
    const worker = h.startWorker('--concurrency', '1');
    const workerId = await worker.id;
    const [projectId] = (
      await h.rows<{ id: number }>(sql`select project_id as id from runs where id = ${h.runId}`)
    ).map((row) => row.id);
    const { run } = await createRun(h.ctx, { projectId: projectId!, goal: 'kill', skipPlanning: true });
    const jobId = await h.enqueue('test.child', { seconds: 60 }, run.id);
    await waitFor('the job to run', h.runningOn([jobId], workerId));
    const [pid] = await waitFor('its sleep process', async () => {
      const found = sleepChildren(worker.pid, 60);
      return found.length > 0 && found;
    });
    h.track(pid!);

    const killedAt = Date.now();
    expect((await killRun(h.ctx, run.id)).cancelledJobIds).toEqual([jobId]);
    await waitFor('the sleep process to end', async () => !isAlive(pid!), 2000);
    expect(Date.now() - killedAt).toBeLessThan(2000);

    // The worker's report of the aborted job is refused; the job stays cancelled.
    await waitFor(
      'the refused failure',
      async () => (await h.jobEvents(jobId, 'job.stale_write_refused')).length,
    );
    expect(await h.job(jobId)).toMatchObject({ state: 'cancelled', attempt: 1 });
    expect(await h.results(jobId)).toEqual([]);
  });
});
