/**
 * pg-boss 12, two ways:
 * - single fetch: each worker loop fetches one job and completes it (what `work` does with `batchSize: 1`,
 *   minus the polling pause `work` takes between fetches, which would measure the pause, not the queue);
 * - batched: `work` with `batchSize` jobs per fetch and `burstWhenBatchFull`, its throughput setting, one
 *   fetch and one complete per batch, each batch's jobs worked one after another (so concurrency stays
 *   `workers`).
 */
import { importPeer } from '../peers.ts';
import { analyze, doWork, type JobTime, timed } from '../stats.ts';

const QUEUE = 'bench';
export const PG_BOSS_BATCH = 10;

interface Job {
  id: string;
}
interface Boss {
  on(event: 'error', listener: (error: unknown) => void): void;
  start(): Promise<unknown>;
  stop(options: { graceful: boolean; wait: boolean }): Promise<void>;
  createQueue(name: string): Promise<void>;
  insert(name: string, jobs: object[]): Promise<unknown>;
  fetch(name: string, options: { batchSize: number }): Promise<Job[]>;
  complete(name: string, id: string): Promise<unknown>;
  work(
    name: string,
    options: { batchSize: number; localConcurrency: number; burstWhenBatchFull: boolean },
    handler: (jobs: Job[]) => Promise<void>,
  ): Promise<string>;
}
type PgBossClass = new (options: object) => Boss;

export async function runPgBoss(
  url: string,
  jobs: number,
  workers: number,
  claimMs: number[],
  time: JobTime,
  batched: boolean,
  beforeDrain: () => void,
): Promise<number> {
  const { PgBoss } = await importPeer<{ PgBoss: PgBossClass }>('pg-boss');
  const boss = new PgBoss({ connectionString: url, max: workers + 2, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue(QUEUE);
  for (let sent = 0; sent < jobs; sent += 1000) {
    await boss.insert(
      QUEUE,
      Array.from({ length: Math.min(1000, jobs - sent) }, () => ({ data: {} })),
    );
  }
  await analyze(url);
  beforeDrain();
  const start = performance.now();
  if (batched) await workInBatches(boss, jobs, workers, time);
  else await Promise.all(Array.from({ length: workers }, () => fetchOneByOne(boss, claimMs, time)));
  const seconds = (performance.now() - start) / 1000;
  await boss.stop({ graceful: false, wait: true });
  return seconds;
}

async function fetchOneByOne(boss: Boss, claimMs: number[], time: JobTime): Promise<void> {
  for (;;) {
    const [job] = await timed(claimMs, () => boss.fetch(QUEUE, { batchSize: 1 }));
    if (!job) return;
    await doWork(time);
    await boss.complete(QUEUE, job.id);
  }
}

async function workInBatches(boss: Boss, jobs: number, workers: number, time: JobTime): Promise<void> {
  let done = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const options = { batchSize: PG_BOSS_BATCH, localConcurrency: workers, burstWhenBatchFull: true };
  await boss.work(QUEUE, options, async (batch) => {
    for (const _job of batch) await doWork(time);
    done += batch.length;
    // The batch completes when this returns: the last one is counted once its complete has been sent.
    if (done >= jobs) setImmediate(finish);
  });
  await allDone;
}
