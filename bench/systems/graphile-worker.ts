/**
 * graphile-worker 0.18's own runner with `concurrency` workers: its defaults, or with completions batched
 * (`completeJobBatchDelay: 0`: completions that finish together go in one statement, nothing leased ahead).
 */
import pg from 'pg';
import { importPeer } from '../peers.ts';
import { analyze, doWork, type JobTime } from '../stats.ts';

interface Runner {
  events: { on(event: 'job:start' | 'job:success', listener: () => void): void };
  stop(): Promise<void>;
}
interface WorkerUtils {
  migrate(): Promise<void>;
  addJobs(jobs: { identifier: string; payload: object }[]): Promise<unknown>;
  release(): Promise<void>;
}
interface GraphileWorker {
  Logger: new (factory: () => () => void) => unknown;
  makeWorkerUtils(options: object): Promise<WorkerUtils>;
  run(options: object): Promise<Runner>;
}

export async function runGraphileWorker(
  url: string,
  jobs: number,
  workers: number,
  time: JobTime,
  batchedCompletes: boolean,
  beforeDrain: () => void,
): Promise<number> {
  const { Logger, makeWorkerUtils, run } = await importPeer<GraphileWorker>('graphile-worker');
  const silent = new Logger(() => () => {});
  const utils = await makeWorkerUtils({ connectionString: url, logger: silent });
  await utils.migrate();
  for (let sent = 0; sent < jobs; sent += 1000) {
    await utils.addJobs(
      Array.from({ length: Math.min(1000, jobs - sent) }, () => ({ identifier: 'work', payload: {} })),
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
  pgPool.on('connect', (client) => client.on('error', () => {}));
  beforeDrain();
  const runner = await run({
    pgPool,
    ...(batchedCompletes ? { preset: { worker: { completeJobBatchDelay: 0 } } } : {}),
    concurrency: workers,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: silent,
    taskList: { work: () => doWork(time) },
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
