/**
 * A database outage, as a worker lives through it: one log line when it starts (not one per failed query),
 * one when it ends, writes that wait until the database is back, and a call to give up when it lasted
 * longer than the worker may wait.
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isConnectionError } from '../db/connection-errors.ts';

export interface OutageOptions {
  logger: Logger | undefined;
  /** How long an outage may last before `onGiveUp` is called; null waits for ever. */
  maxOutageMs: number | null;
  onGiveUp?: ((reason: string) => void) | undefined;
}

/** A wait that does not keep the process alive on its own. */
const sleep = (ms: number) => wait(ms, undefined, { ref: false });

export class OutageLog {
  private since: number | null = null;
  private failures = 0;
  private onGiveUp: ((reason: string) => void) | undefined;
  /** Once set, writes waiting for the database stop waiting (a forced stop). */
  private abandoned = false;

  constructor(private readonly options: OutageOptions) {
    this.onGiveUp = options.onGiveUp;
  }

  /**
   * Records a failed operation. Returns true when it was the database being out of reach (logged once per
   * outage); false for any other error, which the caller reports itself.
   */
  failed(error: unknown, what: string): boolean {
    if (!isConnectionError(error)) return false;
    this.failures += 1;
    if (this.since === null) {
      this.since = Date.now();
      this.options.logger?.warn(
        { err: error },
        `database unreachable (${what} failed): claiming stops until it is back; finished jobs keep their results until then`,
      );
    }
    const { maxOutageMs } = this.options;
    if (maxOutageMs !== null && Date.now() - this.since > maxOutageMs && this.onGiveUp) {
      const giveUp = this.onGiveUp;
      this.onGiveUp = undefined;
      giveUp(`the database was out of reach for longer than ${Math.round(maxOutageMs / 1000)} s`);
    }
    return true;
  }

  /** An operation reached the database: an outage, if there was one, is over. */
  succeeded(): void {
    if (this.since === null) return;
    const seconds = Math.round((Date.now() - this.since) / 1000);
    this.options.logger?.warn(
      `database reachable again after ${seconds} s (${this.failures} operations failed meanwhile)`,
    );
    this.since = null;
    this.failures = 0;
  }

  /** A failed operation: an outage is logged once; anything else is logged as it is. */
  report(error: unknown, what: string): void {
    if (!this.failed(error, what)) this.options.logger?.error({ err: error }, `${what} failed`);
  }

  /**
   * Runs a write until the database takes it. A job's result is fenced by its lease, so writing it late (or
   * twice, had the first answer been lost) never applies it twice: a lease that expired refuses it.
   */
  async untilWritten<T>(what: string, write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await write();
        this.succeeded();
        return result;
      } catch (error) {
        if (this.abandoned || !this.failed(error, what)) throw error;
        await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /** Writes still waiting give up; their jobs' leases will expire and requeue them. */
  abandon(): void {
    this.abandoned = true;
  }

  get down(): boolean {
    return this.since !== null;
  }
}
