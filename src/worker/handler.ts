/**
 * A job handler does the work of one job kind. It gets an AbortSignal that fires when the job is cancelled,
 * its lease is lost or the worker is shutting down, and must stop promptly when it does (an agent's
 * process tree is killed). What it returns is applied only if the lease still holds.
 */
import type { Db, Tx } from '../db/client.ts';
import type { OutcomeEvent } from '../services/events.ts';
import type { JobUsage } from '../services/queue/finish-job.ts';
import type { Lease } from '../services/queue/lease.ts';
import type { Job } from '../services/steps/jobs.ts';

export interface JobRunContext {
  job: Job;
  lease: Lease;
  workerId: string;
  signal: AbortSignal;
  db: Db;
}

export interface JobOutcome {
  report?: unknown;
  usage?: JobUsage;
  /**
   * Writes the job's effects inside the completing transaction, only if the lease still holds, and returns
   * the one event describing them.
   */
  apply?: (tx: Tx, job: Job) => Promise<OutcomeEvent>;
}

export type JobHandler = (context: JobRunContext) => Promise<JobOutcome | undefined>;

export type HandlerRegistry = Readonly<Record<string, JobHandler>>;

/** A failure no retry can fix: the job fails at once instead of being retried. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** A failed job attempt that still has figures to record (the agent ran, used tokens, exited 1). */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly usage: JobUsage,
  ) {
    super(message);
  }
}

/** Why a running job's signal was aborted. */
export const ABORT_REASONS = Object.freeze({
  leaseLost: 'lease lost (cancelled, or expired and reclaimed)',
  draining: 'worker shutting down',
});
