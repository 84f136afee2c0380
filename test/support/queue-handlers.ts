/**
 * Job handlers for queue tests, loaded by `wh worker --handlers test/support/queue-handlers.ts`.
 * Results go to a `test_results` table the test creates, written in the completing transaction so they
 * land only while the lease holds.
 */
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../src/db/client.ts';
import type { HandlerRegistry, JobRunContext } from '../../src/worker/handler.ts';

function payloadNumber(context: JobRunContext, key: string, fallback: number): number {
  const value = context.job.payload[key];
  return typeof value === 'number' ? value : fallback;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Records (job id, attempt, worker) after an optional sleep; a unique key makes a second result fail. */
async function record(context: JobRunContext) {
  await sleep(payloadNumber(context, 'sleepMs', 0), context.signal);
  return {
    report: { worker: context.workerId },
    apply: async (tx: Tx) => {
      await tx.execute(
        sql`insert into test_results (job_id, attempt, worker) values (${context.job.id}, ${context.job.attempt}, ${context.workerId})`,
      );
      const { kind, attempt } = context.job;
      return { type: 'job.succeeded' as const, payload: { kind, attempt, exit_code: null } };
    },
  };
}

/**
 * Records that it ran (job id, attempt, worker) on its own, outside the completing transaction, then
 * succeeds plainly: the worker writes such results together with its next claims. Running one attempt twice
 * would break the unique key.
 */
async function plain(context: JobRunContext) {
  await context.db.execute(
    sql`insert into test_results (job_id, attempt, worker) values (${context.job.id}, ${context.job.attempt}, ${context.workerId})`,
  );
  return { report: { worker: context.workerId } };
}

/** Sleeps without looking at the abort signal: a stuck agent. */
async function stubborn(context: JobRunContext) {
  await new Promise((resolve) => setTimeout(resolve, payloadNumber(context, 'sleepMs', 1000)));
  return record({ ...context, job: { ...context.job, payload: {} } });
}

/** Sleeps without looking at the abort signal, then succeeds plainly (no effects of its own). */
async function stubbornPlain(context: JobRunContext) {
  await new Promise((resolve) => setTimeout(resolve, payloadNumber(context, 'sleepMs', 1000)));
  return { report: { worker: context.workerId } };
}

/** Runs a child process until done or aborted; aborting kills it. Its pid goes to the report. */
async function child(context: JobRunContext) {
  const seconds = payloadNumber(context, 'seconds', 60);
  const proc = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
  const onAbort = () => proc.kill('SIGKILL');
  context.signal.addEventListener('abort', onAbort);
  await new Promise((resolve) => proc.once('exit', resolve));
  context.signal.removeEventListener('abort', onAbort);
  if (context.signal.aborted) throw new Error(`aborted: ${String(context.signal.reason)}`);
  return { report: { pid: proc.pid } };
}

export const handlers: HandlerRegistry = {
  'test.record': record,
  'test.plain': plain,
  'test.stubborn': stubborn,
  'test.stubborn-plain': stubbornPlain,
  'test.child': child,
  'test.poison': async () => {
    throw new Error('poison: this job always fails');
  },
};
