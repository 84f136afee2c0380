/**
 * LISTEN on PostgreSQL with exactly one live connection per process, for every channel. When it drops (a
 * restart, pg_terminate_backend, a network cut) the old client is closed for good, and one new connection is
 * tried after a backoff with jitter, up to `maxDelayMs` between tries, until it is back. Then every channel
 * is LISTENed again and every subscriber is told to catch up on what it may have missed.
 */
import pg from 'pg';
import type { ConnectionHealth } from './health.ts';

type Handler = (payload: string) => void;

interface Subscription {
  channel: string;
  onNotify: Handler;
  /** Called after a reconnect: notifications sent while the connection was down are lost. */
  onResume?: (() => void) | undefined;
}

export interface ListenerOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  applicationName?: string;
}

function quoted(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

export class PgListener {
  private client: pg.Client | null = null;
  private readonly subscriptions = new Set<Subscription>();
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly applicationName: string | undefined;

  constructor(
    private readonly url: string,
    private readonly health: ConnectionHealth,
    options: ListenerOptions = {},
  ) {
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.applicationName = options.applicationName;
  }

  /** Subscribes; resolves once the first connection attempt is over (it keeps trying if that failed). */
  async add(channel: string, onNotify: Handler, onResume?: () => void): Promise<() => Promise<void>> {
    const subscription: Subscription = { channel, onNotify, onResume };
    this.subscriptions.add(subscription);
    if (this.client) await this.client.query(`listen ${quoted(channel)}`).catch(() => {});
    else await this.connect();
    return async () => {
      this.subscriptions.delete(subscription);
      if (this.subscriptions.size === 0) await this.disconnect();
    };
  }

  /** The live connection's backend pid (for tests and status), or null while it is down. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    if (this.stopped || this.client) return;
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      ...(this.applicationName ? { application_name: this.applicationName } : {}),
    });
    client.on('notification', (message) => {
      for (const subscription of this.subscriptions)
        if (subscription.channel === message.channel) subscription.onNotify(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      for (const channel of new Set([...this.subscriptions].map((s) => s.channel)))
        await client.query(`listen ${quoted(channel)}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    const resumed = this.failures > 0;
    this.client = client;
    this.failures = 0;
    this.health.up();
    if (resumed) for (const subscription of this.subscriptions) subscription.onResume?.();
  }

  /** A client failed: it is closed and forgotten (whatever else it emits), and one reconnect is scheduled. */
  private lost(client: pg.Client, error: unknown): void {
    if (client === this.client) this.client = null;
    else if (this.client !== null) return;
    client.removeAllListeners('end');
    client.removeAllListeners('notification');
    client.removeAllListeners('error');
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.stopped) return;
    this.health.down(error);
    this.failures += 1;
    if (this.retry) return;
    const backoff = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(this.failures - 1, 16));
    const delay = backoff / 2 + Math.random() * (backoff / 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
    this.retry.unref();
  }

  /** For good: nothing reconnects after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.disconnect();
  }

  /** Closes the connection while nobody listens; a later subscription opens it again. */
  private async disconnect(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.connecting;
    const client = this.client;
    this.client = null;
    this.failures = 0;
    this.health.idle();
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end().catch(() => {});
    }
  }
}
