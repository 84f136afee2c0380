/**
 * A worker claims jobs (up to `concurrency` at once), runs each with its kind's handler while renewing the
 * lease, and hands the result to the queue services, fenced by the lease. It wakes on NOTIFY and polls
 * slowly as a fallback; it recovers other workers' expired jobs; on stop it drains.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import { type ClaimOptions, claimJobs } from '../services/queue/claim-job.ts';
import { type CompletedAndClaimed, completeAndClaim } from '../services/queue/complete-and-claim.ts';
import {
  completeJob,
  completeJobWith,
  type Finished,
  failJob,
  reclaimExpiredJobs,
  releaseJob,
} from '../services/queue/finish-job.ts';
import type { Lease } from '../services/queue/lease.ts';
import {
  heartbeatWorker,
  markLostWorkers,
  registerWorker,
  reviveWorker,
  stopWorker,
} from '../services/queue/workers.ts';
import type { Job } from '../services/steps/jobs.ts';
import { logFailedVerdict, logJobFailure } from './failure-log.ts';
import {
  ABORT_REASONS,
  type HandlerRegistry,
  JobFailure,
  type JobOutcome,
  PermanentJobError,
} from './handler.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { OutageLog } from './outage-log.ts';
import { SameTurnBatch } from './same-turn-batch.ts';

export interface WorkerOptions {
  database: Database;
  handlers: HandlerRegistry;
  concurrency: number;
  id?: string;
  leaseSeconds?: number;
  heartbeatSeconds?: number;
  /** How often running jobs are checked for cancellation or a lost lease. */
  checkMs?: number;
  /** The slow poll behind NOTIFY. */
  pollMs?: number;
  /** How often expired leases are looked for. */
  sweepMs?: number;
  /**
   * How long the database may stay out of reach before the worker gives up (`onGiveUp`); absent, it waits
   * for ever, claiming nothing meanwhile.
   */
  maxOutageSeconds?: number | null;
  /** Called once when an outage lasted longer than `maxOutageSeconds`. */
  onGiveUp?: (reason: string) => void;
  logger?: Logger;
}

interface Running {
  job: Job;
  lease: Lease;
  controller: AbortController;
  done: Promise<void>;
}

export class Worker {
  readonly id: string;
  private readonly opts: Required<Omit<WorkerOptions, 'logger' | 'id' | 'onGiveUp' | 'maxOutageSeconds'>> & {
    logger: Logger | undefined;
  };
  private readonly outage: OutageLog;
  private readonly running = new Map<number, Running>();
  /** Jobs running or still writing their result; a stop waits for all of them. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  /** Claims in flight; with the running jobs they never exceed the concurrency. */
  private claiming = 0;
  /** A NOTIFY came while every slot was busy or claiming. */
  private wakeRequested = false;
  /** Plain successes, written together with their slots' next claims. */
  private readonly handOvers = new SameTurnBatch<Finished>((batch) => this.writeHandOvers(batch));
  private stopping = false;
  private readonly leases: LeaseKeeper;
  private readonly claimOptions: ClaimOptions;
  private leaseTimer: NodeJS.Timeout | null = null;

  constructor(options: WorkerOptions) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const leaseSeconds = options.leaseSeconds ?? 30;
    this.opts = {
      leaseSeconds,
      // Renew three times per lease, and look for others' expired leases twice per lease.
      heartbeatSeconds: Math.max(1, Math.floor(leaseSeconds / 3)),
      checkMs: 1000,
      pollMs: 5000,
      sweepMs: Math.min(5000, (leaseSeconds * 1000) / 2),
      ...options,
      logger: options.logger,
    };
    const maxOutage = options.maxOutageSeconds ?? null;
    this.outage = new OutageLog({
      logger: options.logger,
      maxOutageMs: maxOutage === null ? null : maxOutage * 1000,
      onGiveUp: options.onGiveUp,
    });
    this.leases = new LeaseKeeper({ ...this.opts, db: options.database.db });
    // Built once: every claim uses it, and the handlers do not change.
    this.claimOptions = {
      workerId: this.id,
      kinds: Object.keys(options.handlers),
      leaseSeconds: this.opts.leaseSeconds,
    };
  }

  get activeJobIds(): number[] {
    return [...this.running.keys()];
  }

  private get db() {
    return this.opts.database.db;
  }

  /** Registers and starts claiming; while the database is out of reach it waits (see maxOutageSeconds). */
  async start(): Promise<void> {
    const ctx = { db: this.db, settings: { autoTriggerAgents: false }, actor: this.id };
    await this.outage.untilWritten('registering the worker', () =>
      registerWorker(ctx, {
        id: this.id,
        host: hostname(),
        pid: process.pid,
        concurrency: this.opts.concurrency,
      }),
    );
    this.unlisten = await this.opts.database.listen(
      'wh_jobs',
      (payload) => this.onNotify(payload),
      // Back after a drop: a job queued meanwhile sent a NOTIFY nobody heard.
      () => this.wake(),
    );
    this.every(this.opts.pollMs, () => this.wake());
    this.leaseTimer = this.every(this.opts.checkMs, () => this.leases.check([...this.running.values()]));
    this.every(this.opts.sweepMs, () => this.sweep());
    this.wake();
  }

  private every(ms: number, fn: () => unknown): NodeJS.Timeout {
    const timer = setInterval(() => {
      Promise.resolve(fn()).catch((error) => this.outage.report(error, 'a periodic check'));
    }, ms);
    timer.unref();
    this.timers.push(timer);
    return timer;
  }

  private onNotify(payload: string): void {
    if (payload === 'queued') {
      this.wakeRequested = true;
      this.wake();
    } else if (payload.startsWith('cancelled:')) {
      this.running.get(Number(payload.slice('cancelled:'.length)))?.controller.abort(ABORT_REASONS.leaseLost);
    }
  }

  /**
   * Fills every free slot with one claim for all of them. A claim that finds fewer jobs than slots leaves
   * the rest to the next NOTIFY, poll or finished job; a NOTIFY that arrived while it ran (its snapshot may
   * have missed that job) makes it look again.
   */
  wake(): void {
    const free = this.opts.concurrency - this.running.size - this.claiming;
    if (this.stopping || free <= 0) return;
    this.claiming += free;
    this.wakeRequested = false;
    const claim = this.claimFor(free)
      .catch((error) => this.outage.report(error, 'claiming'))
      .finally(() => this.inFlight.delete(claim));
    this.inFlight.add(claim);
  }

  private async claimFor(slots: number): Promise<void> {
    let jobs: Job[];
    try {
      jobs = await claimJobs(this.db, this.claimOptions, slots);
      this.outage.succeeded();
    } finally {
      // Counted down before anything else runs, so a slot freed meanwhile is seen as free.
      this.claiming -= slots;
    }
    await this.take(jobs, slots);
  }

  /** Starts claimed jobs, or gives them straight back (same attempt) if this worker began to stop. */
  private async take(jobs: readonly Job[], slots: number): Promise<void> {
    if (this.stopping) {
      for (const job of jobs) {
        await this.outage.untilWritten('giving a job back', () =>
          releaseJob(
            this.db,
            { jobId: job.id, leaseToken: job.leaseToken! },
            this.id,
            ABORT_REASONS.draining,
          ),
        );
      }
      return;
    }
    for (const job of jobs) this.launch(job);
    if (jobs.length < slots && this.wakeRequested) this.wake();
  }

  private launch(job: Job): void {
    const lease: Lease = { jobId: job.id, leaseToken: job.leaseToken! };
    const controller = new AbortController();
    const entry: Running = { job, lease, controller, done: Promise.resolve() };
    entry.done = this.execute(entry).catch((error) =>
      this.opts.logger?.error({ err: error, jobId: job.id }, 'reporting a job result failed'),
    );
    this.running.set(job.id, entry);
    this.inFlight.add(entry.done);
    void entry.done.finally(() => this.inFlight.delete(entry.done));
  }

  /**
   * Runs the handler and writes its result, fenced by the lease. A plain success hands the slot its next
   * job in the same statement; any other result frees the slot first, so the next claim overlaps with the
   * write.
   */
  private async execute(entry: Running): Promise<void> {
    const { job, lease, controller } = entry;
    let outcome: JobOutcome | undefined;
    let failure: unknown = null;
    try {
      outcome = await this.opts.handlers[job.kind]!({
        job,
        lease,
        workerId: this.id,
        signal: controller.signal,
        db: this.db,
      });
    } catch (error) {
      failure = error;
    }
    const completion = { report: outcome?.report, ...outcome?.usage };
    this.running.delete(job.id);
    if (failure === null && !outcome?.apply && !controller.signal.aborted) {
      // The slot stays reserved (counted as claiming) until its completion has claimed its next job.
      this.claiming += 1;
      await this.handOvers.add({ lease, completion });
      return;
    }
    this.wake();
    if (controller.signal.reason === ABORT_REASONS.draining) {
      await this.outage.untilWritten('giving a job back', () =>
        releaseJob(this.db, lease, this.id, ABORT_REASONS.draining),
      );
    } else if (failure !== null && isConnectionError(failure)) {
      // The database dropped under the handler: not the job's failure, so it costs no attempt.
      await this.outage.untilWritten('giving a job back', () =>
        releaseJob(this.db, lease, this.id, 'the database connection dropped while it ran'),
      );
    } else if (failure !== null) {
      await this.outage.untilWritten('recording a failure', () => this.reportFailure(lease, failure));
    } else {
      const result = await this.outage.untilWritten('recording a result', () =>
        outcome?.apply
          ? completeJobWith(this.db, lease, this.id, completion, outcome.apply)
          : completeJob(this.db, lease, this.id, completion),
      );
      if (!result.accepted) this.warnRefused(job.id);
      else logFailedVerdict(this.opts.logger, result.job, completion.report);
    }
  }

  /** Completes a batch of plain successes and claims as many next jobs, in one statement. */
  private async writeHandOvers(batch: Finished[]): Promise<void> {
    const slots = this.stopping ? 0 : batch.length;
    let result: CompletedAndClaimed;
    try {
      result = await this.outage.untilWritten('recording results', () =>
        completeAndClaim(this.db, batch, this.claimOptions, slots),
      );
    } finally {
      this.claiming -= batch.length;
    }
    for (const { lease } of batch) if (!result.completed.has(lease.jobId)) this.warnRefused(lease.jobId);
    await this.take(result.claimed, slots);
  }

  private warnRefused(jobId: number): void {
    this.opts.logger?.warn({ jobId }, 'job result refused: the lease was lost');
  }

  private async reportFailure(lease: Lease, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    // A JobFailure carries whether a retry can help and what the attempt used (backend, tokens, exit).
    const result = await failJob(this.db, lease, this.id, {
      error: message,
      permanent: error instanceof PermanentJobError || (error instanceof JobFailure && error.permanent),
      ...(error instanceof JobFailure ? error.usage : {}),
    });
    if (result.accepted) logJobFailure(this.opts.logger, result.job);
    else this.warnRefused(lease.jobId);
  }

  private async sweep(): Promise<void> {
    const ctx = { db: this.db, settings: { autoTriggerAgents: false }, actor: this.id };
    if (!(await heartbeatWorker(this.db, this.id))) await reviveWorker(ctx, this.id);
    this.outage.succeeded();
    // Another worker silent for two leases is gone (killed, or its machine is).
    await markLostWorkers(ctx, this.opts.leaseSeconds * 2);
    const recovered = await reclaimExpiredJobs(this.db, this.id);
    if (recovered > 0) {
      this.opts.logger?.info({ recovered }, 'requeued jobs whose lease expired');
      this.wake();
    }
  }

  /**
   * Stops claiming and waits up to `graceMs` for running jobs; then aborts the rest, which are released
   * (queued again at the same attempt) so nothing is lost.
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    // Leases keep being renewed while running jobs finish: a drain must not let them expire and run twice.
    for (const timer of this.timers) if (timer !== this.leaseTimer) clearInterval(timer);
    const all = () => Promise.all([...this.inFlight]);
    const finished = await Promise.race([all().then(() => true), sleep(graceMs).then(() => false)]);
    if (!finished) {
      for (const entry of this.running.values()) entry.controller.abort(ABORT_REASONS.draining);
      // Writes still waiting for the database stop waiting: their jobs' leases will expire and requeue them.
      this.outage.abandon();
      await all();
    }
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.unlisten?.();
    await stopWorker(
      { db: this.db, settings: { autoTriggerAgents: false }, actor: this.id },
      this.id,
      'stopped',
    ).catch((error) => this.outage.report(error, 'marking the worker stopped'));
  }
}

/** A wait that does not keep the process alive on its own. */
const sleep = (ms: number) => wait(ms, undefined, { ref: false });
