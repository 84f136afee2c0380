/**
 * Fans new events out to live subscribers (the SSE stream). One LISTEN per process wakes it; it then reads
 * the events table. Transactions can commit out of id order, so each read looks back over a window of
 * recent ids and skips the ones already delivered: a late-committing event is still delivered, once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema.ts';
import { type Event, eventColumns } from '../services/events.ts';
import { announceListener, withdrawListener } from '../services/live-listeners.ts';

const LOOKBACK_IDS = 500;
const READ_LIMIT = 1000;
/** While subscribers are connected: renew the announcement and re-read, for anything a dropped LISTEN missed. */
const SAFETY_POLL_MS = 5000;

export type EventListener = (event: Event) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly delivered = new Set<number>();
  private highest = 0;
  private floor = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {
    await this.startFromNow();
    // Back after a drop: events written meanwhile were NOTIFYed to nobody; the read catches up on them.
    this.unlisten = await this.database.listen(
      'wh_events',
      () => this.poke(),
      () => this.poke(),
    );
    this.timer = setInterval(() => {
      if (this.listeners.size === 0) return;
      void this.announce();
      this.poke();
    }, SAFETY_POLL_MS);
    this.timer.unref();
  }

  /**
   * Adds a live subscriber. The first one makes this process announce itself, so that new events are
   * NOTIFYed; the last one leaving withdraws it. Resolves once the announcement is in place (and re-reads
   * the table, for anything written before it was).
   */
  async subscribe(listener: EventListener): Promise<() => void> {
    if (this.listeners.size === 0) {
      // Nobody was watching, so nothing was announced or read: start afresh from the newest event.
      await this.reading;
      await this.startFromNow();
      await this.announce();
    }
    this.listeners.add(listener);
    this.poke();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void withdrawListener(this.database.db, this.id).catch(() => {});
    };
  }

  /** Only events after this moment are news; earlier ones a client reads from the table. */
  private async startFromNow(): Promise<void> {
    const result = await this.database.db.execute<{ max: number | string }>(
      sql`select coalesce(max(id), 0) as max from events`,
    );
    this.floor = Number(result.rows[0]?.max ?? 0);
    this.highest = this.floor;
    this.delivered.clear();
  }

  private async announce(): Promise<void> {
    await announceListener(this.database.db, this.id).catch(() => {});
  }

  /** The highest event id seen so far: a client that read state now can resume after it. */
  get lastId(): number {
    return this.highest;
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Reads and delivers new events; concurrent pokes coalesce into one more read. */
  poke(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read()
      .catch(() => {})
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          // The next page waits for the event loop's I/O turn: an in-process database (PGlite) answers
          // without one, and a burst would otherwise pile up in every client's buffer before any of it
          // is sent.
          setImmediate(() => this.poke());
        }
      });
  }

  private async read(): Promise<void> {
    const from = Math.max(this.floor, this.highest - LOOKBACK_IDS);
    const rows = await this.database.db
      .select(eventColumns)
      .from(events)
      .where(gt(events.id, from))
      .orderBy(events.id)
      .limit(READ_LIMIT);
    for (const event of rows) {
      if (this.delivered.has(event.id) || event.id <= from) continue;
      this.delivered.add(event.id);
      this.highest = Math.max(this.highest, event.id);
      for (const listener of this.listeners) listener(event);
    }
    for (const id of this.delivered) if (id <= this.highest - LOOKBACK_IDS) this.delivered.delete(id);
    if (rows.length === READ_LIMIT) this.again = true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.();
    await this.reading;
    await withdrawListener(this.database.db, this.id).catch(() => {});
  }
}
