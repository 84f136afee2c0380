/**
 * The events table as the webhooks' outbox. Three steps, each safe with many dispatchers on one database:
 *
 * 1. `enqueueDeliveries` turns new events into one pending delivery per matching subscription, advancing
 *    the subscription's cursor in the same transaction (so no event is skipped or doubled across restarts).
 *    An id is taken when a row is inserted, not when it commits, so a later id can be visible before an
 *    earlier one: the outbox goes in (transaction id, id) order, only up to the oldest transaction still
 *    running, past which nothing can commit any more (no lock; PostgreSQL and PGlite alike).
 * 2. `claimDeliveries` leases due deliveries, each the first pending one of its subscription in that order (a failing
 *    delivery holds the later ones of its subscription, not others'), `FOR UPDATE SKIP LOCKED` as the job
 *    queue claims: one dispatcher sends each attempt.
 * 3. `recordAttempt` writes how the attempt went, fenced by its lease, and schedules the next attempt.
 *
 * Attempts are housekeeping recorded in webhook_deliveries, not events: delivering an event never makes
 * another event to deliver. A subscription disabled by its deliveries is an event (`webhook.disabled`).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { events, webhookDeliveries, webhookSubscriptions } from '../db/schema.ts';
import { retryDelayMs, TEST_EVENT_TYPE } from '../domain/webhooks.ts';
import { appendEvent, type Event, eventColumns } from './events.ts';
import type { WebhookDelivery, WebhookSubscription } from './webhooks.ts';

/** Events matched per subscription per pass. */
const ENQUEUE_BATCH = 1000;

const ACTOR = 'webhooks';

/** An event's place in the outbox's order: its transaction, then its id. */
interface OutboxMark {
  xid: string;
  id: number;
}

/**
 * The last event, in (xid, id) order, of the transactions that have all ended: those below the oldest one
 * still running (`pg_snapshot_xmin`). Every event up to it is visible now or never will be, and an event
 * committed later belongs to a running or newer transaction, so it sorts after it whatever its id. Null
 * when there is no such event. Read before any lock, so the reader's own transaction holds nothing back.
 */
async function committedHighWater(db: Db): Promise<OutboxMark | null> {
  const result = await db.execute<{ xid: string; id: string }>(sql`
    select e.xid::text as xid, e.id from events e
     where e.xid < pg_snapshot_xmin(pg_current_snapshot())
     order by e.xid desc, e.id desc
     limit 1`);
  const [row] = result.rows;
  return row ? { xid: row.xid, id: Number(row.id) } : null;
}

/** Rows whose cursor has not reached `mark`. */
function behind(mark: OutboxMark) {
  return sql`(${webhookSubscriptions.eventCursorXid}, ${webhookSubscriptions.eventCursor}) < (${mark.xid}::xid8, ${mark.id})`;
}

/**
 * Creates the deliveries of every committed event past each enabled subscription's cursor. With no
 * subscription enabled it reads nothing and locks nothing.
 */
export async function enqueueDeliveries(db: Db): Promise<number> {
  const enabled = and(eq(webhookSubscriptions.enabled, true), isNull(webhookSubscriptions.deletedAt));
  const [any] = await db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(enabled)
    .limit(1);
  if (!any) return 0;
  const highWater = await committedHighWater(db);
  if (highWater === null) return 0;
  const late = await db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(and(enabled, behind(highWater)));
  let created = 0;
  for (const { id } of late) created += await enqueueFor(db, id, highWater);
  return created;
}

/**
 * One subscription's next batch, in (xid, id) order up to `highWater`: locked so two dispatchers do not
 * both advance it (the other skips it), matched in SQL (a project filter, a type filter where empty means
 * every type, and test events only for the subscription they name); the cursor moves to the batch's last
 * event, matched or not.
 */
function enqueueFor(db: Db, subscriptionId: number, highWater: OutboxMark): Promise<number> {
  return db.transaction(async (tx) => {
    const [subscription] = await tx
      .select()
      .from(webhookSubscriptions)
      .where(and(eq(webhookSubscriptions.id, subscriptionId), behind(highWater)))
      .for('update', { skipLocked: true });
    if (!subscription) return 0;
    const types = sql.param([...subscription.eventTypes]);
    const result = await tx.execute<{ created: number; xid: string | null; id: string | null }>(sql`
      with batch as (
        select e.id, e.xid, e.type, e.project_id, e.payload from events e
         where (e.xid, e.id) > (${subscription.eventCursorXid}::xid8, ${subscription.eventCursor})
           and (e.xid, e.id) <= (${highWater.xid}::xid8, ${highWater.id})
         order by e.xid, e.id
         limit ${ENQUEUE_BATCH}),
      inserted as (
        insert into webhook_deliveries (subscription_id, event_id)
        select ${subscription.id}, b.id from batch b
         where case when b.type = ${TEST_EVENT_TYPE}
                 then b.payload->>'subscription_id' = ${String(subscription.id)}
                 else (${subscription.projectId}::int is null or b.project_id = ${subscription.projectId})
                  and (cardinality(${types}::text[]) = 0 or b.type = any(${types}::text[]))
               end
         order by b.xid, b.id
        on conflict do nothing
        returning id),
      last as (select xid, id from batch order by xid desc, id desc limit 1)
      select (select count(*)::int from inserted) as created,
             (select xid::text from last) as xid, (select id from last) as id`);
    const [row] = result.rows;
    if (!row || row.xid === null || row.id === null) return 0;
    await tx
      .update(webhookSubscriptions)
      .set({ eventCursorXid: row.xid, eventCursor: Number(row.id) })
      .where(eq(webhookSubscriptions.id, subscription.id));
    return Number(row.created);
  });
}

export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  subscription: WebhookSubscription;
  event: Event;
}

function toDelivery(row: Record<string, unknown>): WebhookDelivery {
  const date = (value: unknown) => (value === null ? null : new Date(value as string));
  return {
    id: Number(row.id),
    subscriptionId: Number(row.subscription_id),
    eventId: Number(row.event_id),
    attempt: Number(row.attempt),
    status: row.status as WebhookDelivery['status'],
    responseStatus: row.response_status as number | null,
    latencyMs: row.latency_ms as number | null,
    responseBody: row.response_body as string | null,
    error: row.error as string | null,
    nextAttemptAt: new Date(row.next_attempt_at as string),
    leaseOwner: row.lease_owner as string | null,
    leaseToken: row.lease_token as string | null,
    leaseExpiresAt: date(row.lease_expires_at),
    deliveredAt: date(row.delivered_at),
    attemptedAt: date(row.attempted_at),
    createdAt: new Date(row.created_at as string),
  };
}

export interface DeliveryClaim {
  owner: string;
  leaseSeconds: number;
  limit: number;
  /** Subscriptions left out of this claim (their attempt failed in this pass). */
  skipSubscriptions: readonly number[];
}

/** Leases up to `limit` due deliveries, at most one per subscription: the oldest event it has pending. */
export async function claimDeliveries(db: Db, claim: DeliveryClaim): Promise<ClaimedDelivery[]> {
  const { owner, leaseSeconds, limit } = claim;
  const result = await db.execute<Record<string, unknown>>(sql`
    update webhook_deliveries
       set lease_owner = ${owner},
           lease_token = gen_random_uuid(),
           lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
     where id = any(array(
       select d.id from webhook_deliveries d
         join webhook_subscriptions s on s.id = d.subscription_id
         join events e on e.id = d.event_id
        where d.status = 'pending'
          and d.next_attempt_at <= now()
          and (d.lease_expires_at is null or d.lease_expires_at < now())
          and s.enabled and s.deleted_at is null
          and d.subscription_id <> all(${sql.param([...claim.skipSubscriptions])}::int[])
          and not exists (
            select 1 from webhook_deliveries earlier
              join events earlier_event on earlier_event.id = earlier.event_id
             where earlier.subscription_id = d.subscription_id
               and earlier.status = 'pending'
               and (earlier_event.xid, earlier.event_id, earlier.id) < (e.xid, d.event_id, d.id))
        order by d.next_attempt_at, d.id
        for update of d skip locked
        limit ${limit}))
    returning *`);
  const deliveries = result.rows.map(toDelivery);
  if (deliveries.length === 0) return [];
  const subscriptions = await db
    .select()
    .from(webhookSubscriptions)
    .where(inArray(webhookSubscriptions.id, [...new Set(deliveries.map((d) => d.subscriptionId))]));
  const eventRows = await db
    .select(eventColumns)
    .from(events)
    .where(inArray(events.id, [...new Set(deliveries.map((d) => d.eventId))]));
  return deliveries.map((delivery) => ({
    delivery,
    subscription: subscriptions.find((s) => s.id === delivery.subscriptionId)!,
    event: eventRows.find((e) => e.id === delivery.eventId)!,
  }));
}

export interface AttemptOutcome {
  status: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  /** The receiver's `Retry-After`, in ms. */
  retryAfterMs: number | null;
}

export type AttemptResult = 'delivered' | 'retry' | 'disabled' | 'stale';

function succeeded(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/**
 * Records an attempt sent under `claim`'s lease, and what follows: nothing after a 2xx; otherwise the next
 * attempt after the schedule's wait (or `Retry-After`); or, after a 410 Gone or the schedule's end, the
 * subscription disabled. A dispatcher whose lease was taken over changes nothing ('stale').
 */
export function recordAttempt(
  db: Db,
  claim: ClaimedDelivery,
  outcome: AttemptOutcome,
  schedule: readonly number[],
  random: number,
): Promise<AttemptResult> {
  const { delivery, subscription } = claim;
  return db.transaction(async (tx) => {
    const ok = succeeded(outcome.status);
    const [recorded] = await tx
      .update(webhookDeliveries)
      .set({
        status: ok ? 'delivered' : 'failed',
        responseStatus: outcome.status,
        latencyMs: outcome.latencyMs,
        responseBody: outcome.responseBody,
        error: outcome.error ?? (ok ? null : `answered ${outcome.status}`),
        attemptedAt: sql`now()`,
        deliveredAt: ok ? sql`now()` : null,
        leaseOwner: null,
        leaseToken: null,
        leaseExpiresAt: null,
      })
      .where(
        and(
          eq(webhookDeliveries.id, delivery.id),
          eq(webhookDeliveries.status, 'pending'),
          sql`${webhookDeliveries.leaseToken} = ${delivery.leaseToken}`,
        ),
      )
      .returning({ id: webhookDeliveries.id });
    if (!recorded) return 'stale';
    if (ok) return 'delivered';
    const delay =
      outcome.status === 410 ? null : retryDelayMs(delivery.attempt, schedule, outcome.retryAfterMs, random);
    if (delay === null) {
      const reason = outcome.status === 410 ? 'gone' : 'retries_exhausted';
      await tx
        .update(webhookSubscriptions)
        .set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` })
        .where(eq(webhookSubscriptions.id, subscription.id));
      await appendEvent(tx, ACTOR, {
        type: 'webhook.disabled',
        projectId: subscription.projectId,
        payload: {
          subscription_id: subscription.id,
          url: subscription.url,
          reason,
          event_id: delivery.eventId,
        },
      });
      return 'disabled';
    }
    await tx.insert(webhookDeliveries).values({
      subscriptionId: delivery.subscriptionId,
      eventId: delivery.eventId,
      attempt: delivery.attempt + 1,
      nextAttemptAt: sql`now() + make_interval(secs => ${delay / 1000})`,
    });
    return 'retry';
  });
}

/** The secrets that sign now: the current one, and the previous one during its overlap. */
export function signingSecrets(subscription: WebhookSubscription, now: Date): string[] {
  const previousValid =
    subscription.previousSecret !== null &&
    subscription.previousSecretExpiresAt !== null &&
    subscription.previousSecretExpiresAt > now;
  return previousValid ? [subscription.secret, subscription.previousSecret!] : [subscription.secret];
}
