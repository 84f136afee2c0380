/**
 * Buffers an agent's output and writes it to the job's log every `intervalMs`, in lease-fenced chunks.
 */
import type { Db } from '../db/client.ts';
import { appendJobLog } from '../services/queue/job-log.ts';
import type { Lease } from '../services/queue/lease.ts';

export class JobLogWriter {
  private buffer = '';
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly lease: Lease,
    private readonly workerId: string,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  write(text: string): void {
    this.buffer += text;
  }

  flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!chunk) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      await appendJobLog(this.db, this.lease, this.workerId, chunk).catch(() => false);
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
