/**
 * Bounds what waits unsent for one live-stream client. A burst (a thousand events at once) may exceed the
 * bound for a moment; a client that keeps more than `bufferBytes` waiting for longer than `stallMs` cannot
 * keep up and is disconnected (it resumes with Last-Event-ID), and so is one past a hard cap at once.
 */
import type { ServerResponse } from 'node:http';

export interface StreamLimits {
  bufferBytes: number;
  stallMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { bufferBytes: 4 * 1024 * 1024, stallMs: 10_000 };

/** Never more than this waits for one client, whatever the timing. */
const HARD_CAP_BYTES = 64 * 1024 * 1024;

export class SlowClientGuard {
  private overSince: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: StreamLimits,
  ) {
    this.timer = setInterval(() => this.check(), Math.max(50, Math.min(1000, limits.stallMs / 2)));
    this.timer.unref();
    res.on('drain', () => this.check());
    res.once('close', () => clearInterval(this.timer));
  }

  /** Called after each write. */
  wrote(): void {
    if (this.res.writableLength > Math.max(HARD_CAP_BYTES, this.limits.bufferBytes)) this.disconnect();
    else if (this.res.writableLength > this.limits.bufferBytes) this.overSince ??= Date.now();
  }

  private check(): void {
    if (this.res.destroyed) return;
    if (this.res.writableLength <= this.limits.bufferBytes) this.overSince = null;
    else if (this.overSince !== null && Date.now() - this.overSince > this.limits.stallMs) this.disconnect();
  }

  private disconnect(): void {
    clearInterval(this.timer);
    this.res.destroy();
  }
}
