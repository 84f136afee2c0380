/**
 * Keeps a worker's leases: checks every running job still holds its lease, renewing the leases when a
 * heartbeat is due. A job that lost its lease (cancelled, or reclaimed after this worker stalled) is aborted
 * at once. If the database cannot be reached for a whole lease period, the worker can no longer know it
 * holds anything: every job is aborted.
 */
import type { Logger } from 'pino';
import type { Queryable } from '../db/client.ts';
import { type Lease, renewLeases } from '../services/queue/lease.ts';
import { ABORT_REASONS } from './handler.ts';

export interface LeasedJob {
  lease: Lease;
  controller: AbortController;
}

export interface LeaseKeeperOptions {
  db: Queryable;
  leaseSeconds: number;
  heartbeatSeconds: number;
  logger: Logger | undefined;
}

export class LeaseKeeper {
  private lastRenewal = 0;
  private lastHeldAt = Date.now();

  constructor(private readonly opts: LeaseKeeperOptions) {}

  async check(jobs: readonly LeasedJob[]): Promise<void> {
    if (jobs.length === 0) {
      this.lastHeldAt = Date.now();
      return;
    }
    const { db, leaseSeconds, heartbeatSeconds } = this.opts;
    try {
      const renewDue = Date.now() - this.lastRenewal >= heartbeatSeconds * 1000;
      const held = await renewLeases(
        db,
        jobs.map((job) => job.lease),
        renewDue ? leaseSeconds : 0,
        !renewDue,
      );
      if (renewDue) this.lastRenewal = Date.now();
      this.lastHeldAt = Date.now();
      for (const job of jobs) {
        if (!held.has(job.lease.jobId)) job.controller.abort(ABORT_REASONS.leaseLost);
      }
    } catch (error) {
      this.opts.logger?.warn({ err: error }, 'lease check failed');
      if (Date.now() - this.lastHeldAt > leaseSeconds * 1000) {
        for (const job of jobs) job.controller.abort(ABORT_REASONS.leaseLost);
      }
    }
  }
}
