/** graphile-worker's own runner with `concurrency` workers and a no-op task. */
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';

import { analyze } from '../stats.ts';

const silent = new Logger(() => () => {});

export async function runGraphileWorker(
  url: string,
  jobs: number,
  workers: number,
  batched = false,
): Promise<number> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: silent });
  await utils.migrate();
  for (let sent = 0; sent < jobs; sent += 1000) {
    await utils.addJobs(
      Array.from({ length: Math.min(1000, jobs - sent) }, () => ({ identifier: 'noop', payload: {} })),
    );
  }
  await utils.release();
  await analyze(url);
  let done = 0;
  let start = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // Our own pool, so that a connection the benchmark's clean-up terminates cannot crash the process.
  const pgPool = new pg.Pool({ connectionString: url, max: workers + 2 });
  pgPool.on('error', () => {});
  const runner = await run({
    pgPool,
    ...(batched
      ? { preset: { worker: { localQueue: { size: workers * 4 }, completeJobBatchDelay: 0 } } }
      : {}),
    concurrency: workers,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: silent,
    taskList: { noop: async () => {} },
  });
  runner.events.on('job:start', () => {
    if (start === 0) start = performance.now();
  });
  runner.events.on('job:success', () => {
    done += 1;
    if (done === jobs) finish();
  });
  await allDone;
  const seconds = (performance.now() - start) / 1000;
  await runner.stop();
  await pgPool.end();
  return seconds;
}
