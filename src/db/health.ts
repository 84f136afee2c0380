/**
 * What a process knows of its database connection: whether it can reach it, whether its LISTEN connection
 * is up, and how many outages it has lived through. Fed by the LISTEN connection (the one connection that is
 * always open) and read by `/api/status` and the worker's outage log.
 */

export interface HealthSnapshot {
  reachable: boolean;
  listening: boolean;
  outages: number;
  downSince: Date | null;
  lastError: string | null;
}

export class ConnectionHealth {
  private reachable = true;
  private listening = false;
  private outages = 0;
  private downSince: Date | null = null;
  private lastError: string | null = null;
  private readonly watchers = new Set<(up: boolean) => void>();

  /** The database was reached (the LISTEN connection is up again). */
  up(): void {
    this.listening = true;
    if (this.reachable) return;
    this.reachable = true;
    this.downSince = null;
    for (const watch of this.watchers) watch(true);
  }

  /** Nobody listens any more: the connection was closed on purpose. */
  idle(): void {
    this.listening = false;
  }

  /** The database went out of reach; counted once per outage, however many errors it brings. */
  down(error: unknown): void {
    this.listening = false;
    this.lastError = error instanceof Error ? error.message : String(error);
    if (!this.reachable) return;
    this.reachable = false;
    this.outages += 1;
    this.downSince = new Date();
    for (const watch of this.watchers) watch(false);
  }

  /** Called with true when the database comes back, false when it goes; returns an unsubscribe. */
  watch(onChange: (up: boolean) => void): () => void {
    this.watchers.add(onChange);
    return () => this.watchers.delete(onChange);
  }

  snapshot(): HealthSnapshot {
    return {
      reachable: this.reachable,
      listening: this.listening,
      outages: this.outages,
      downSince: this.downSince,
      lastError: this.lastError,
    };
  }
}
