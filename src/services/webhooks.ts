/**
 * Webhook subscriptions: made, changed, deleted, their secret rotated, a test event sent, an event
 * delivered again. Each is one transaction with its event; no event carries a secret. Delivering is the
 * dispatcher's (webhook-outbox.ts).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { webhookDeliveries, webhookSubscriptions } from '../db/schema.ts';
import { expandEventTypes } from '../domain/webhooks.ts';
import { errors } from '../errors/catalogue.ts';
import { newWebhookSecret } from '../webhooks/signature.ts';
import { refusedTarget } from '../webhooks/target-check.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadProject } from './steps/load.ts';

export type WebhookSubscription = typeof webhookSubscriptions.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/** How long a rotated-out secret still signs, so receivers can switch without missing a delivery. */
export const SECRET_OVERLAP_HOURS = 24;

export interface SubscriptionFields {
  url?: string | undefined;
  eventTypes?: readonly string[] | undefined;
  projectId?: number | null | undefined;
  enabled?: boolean | undefined;
  description?: string | undefined;
}

/** Whether subscriptions may point at private, loopback and link-local addresses (WH_WEBHOOK_ALLOW_PRIVATE). */
export interface TargetPolicy {
  allowPrivate: boolean;
}

/** Checked before the transaction: it may wait on DNS. */
async function assertTargetAllowed(url: string | undefined, policy: TargetPolicy): Promise<void> {
  if (url === undefined) return;
  const refused = await refusedTarget(url, policy.allowPrivate);
  if (refused !== null) throw errors.invalidFields([{ field: 'body.url', message: refused }]);
}

function catalogued(names: readonly string[]): string[] {
  const expanded = expandEventTypes(names);
  if (expanded.unknown !== null)
    throw errors.invalidFields([
      {
        field: 'body.event_types',
        message: `"${expanded.unknown}" is not an event type (nor an alias of some)`,
      },
    ]);
  return expanded.types;
}

function settingsOf(subscription: WebhookSubscription) {
  return {
    url: subscription.url,
    event_types: subscription.eventTypes,
    project_id: subscription.projectId,
    enabled: subscription.enabled,
    description: subscription.description,
  };
}

export async function loadSubscription(db: Queryable, id: number): Promise<WebhookSubscription> {
  const [row] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.deletedAt)));
  if (!row) throw errors.notFound('webhook', id);
  return row;
}

export function listSubscriptions(db: Queryable): Promise<WebhookSubscription[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(isNull(webhookSubscriptions.deletedAt))
    .orderBy(webhookSubscriptions.id);
}

/** Makes a subscription; its secret is in this answer and no other. It takes events from now on. */
export async function createSubscription(
  ctx: ServiceContext,
  fields: SubscriptionFields & { url: string },
  policy: TargetPolicy,
): Promise<WebhookSubscription> {
  await assertTargetAllowed(fields.url, policy);
  return inTransaction(ctx, async (tx) => {
    if (fields.projectId) await loadProject(tx, fields.projectId);
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({
        url: fields.url,
        secret: newWebhookSecret(),
        eventTypes: catalogued(fields.eventTypes ?? []),
        projectId: fields.projectId ?? null,
        enabled: fields.enabled ?? true,
        description: fields.description ?? '',
        // From now on: after every event already visible, and every event of a transaction older than this
        // one (it began before the subscription); its own events and later transactions' come after.
        eventCursorXid: sql`pg_current_xact_id()`,
        eventCursor: sql`(select coalesce(max(id), 0) from events)`,
      })
      .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'webhook.created',
      projectId: row!.projectId,
      payload: { subscription_id: row!.id, ...settingsOf(row!) },
    });
    return row!;
  });
}

export async function updateSubscription(
  ctx: ServiceContext,
  id: number,
  fields: SubscriptionFields,
  policy: TargetPolicy,
): Promise<WebhookSubscription> {
  await assertTargetAllowed(fields.url, policy);
  return inTransaction(ctx, async (tx) => {
    const before = await loadSubscription(tx, id);
    if (fields.projectId) await loadProject(tx, fields.projectId);
    const change: Partial<typeof webhookSubscriptions.$inferInsert> = {};
    if (fields.url !== undefined) change.url = fields.url;
    if (fields.eventTypes !== undefined) change.eventTypes = catalogued(fields.eventTypes);
    if (fields.projectId !== undefined) change.projectId = fields.projectId;
    if (fields.description !== undefined) change.description = fields.description;
    if (fields.enabled !== undefined) {
      change.enabled = fields.enabled;
      if (fields.enabled) change.disabledReason = null;
    }
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({ ...change, updatedAt: sql`now()` })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'webhook.updated',
      projectId: row!.projectId ?? before.projectId,
      payload: { subscription_id: id, changed: Object.keys(fields), ...settingsOf(row!) },
    });
    return row!;
  });
}

/** Deletes a subscription: nothing more is sent to it; its deliveries stay, as the record of what was. */
export function deleteSubscription(ctx: ServiceContext, id: number): Promise<WebhookSubscription> {
  return inTransaction(ctx, async (tx) => {
    const before = await loadSubscription(tx, id);
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({ enabled: false, deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'webhook.deleted',
      projectId: before.projectId,
      payload: { subscription_id: id, url: before.url },
    });
    return row!;
  });
}

/** A new secret, answered once; the current one goes on signing beside it for the overlap. */
export function rotateSecret(ctx: ServiceContext, id: number): Promise<WebhookSubscription> {
  return inTransaction(ctx, async (tx) => {
    const before = await loadSubscription(tx, id);
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({
        secret: newWebhookSecret(),
        previousSecret: before.secret,
        previousSecretExpiresAt: sql`now() + make_interval(hours => ${SECRET_OVERLAP_HOURS})`,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'webhook.secret_rotated',
      projectId: row!.projectId,
      payload: { subscription_id: id, previous_valid_until: row!.previousSecretExpiresAt!.toISOString() },
    });
    return row!;
  });
}

/** A `webhook.test` event, which the dispatcher delivers to this subscription alone. */
export function sendTestEvent(ctx: ServiceContext, id: number): Promise<{ eventId: number }> {
  return inTransaction(ctx, async (tx) => {
    const subscription = await loadSubscription(tx, id);
    const event = await appendEvent(tx, ctx.actor, {
      type: 'webhook.test',
      projectId: subscription.projectId,
      payload: { subscription_id: id },
    });
    return { eventId: event.id };
  });
}

async function loadDelivery(tx: Tx, id: number): Promise<WebhookDelivery> {
  const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row) throw errors.notFound('webhook_delivery', id);
  return row;
}

/**
 * Delivers a delivery's event again under the same `webhook-id`: a new attempt due now, in event order
 * with the subscription's other pending deliveries; if an attempt at that event is already waiting, that
 * one is made due now instead of adding a second.
 */
export function redeliver(ctx: ServiceContext, deliveryId: number): Promise<WebhookDelivery> {
  return inTransaction(ctx, async (tx) => {
    const delivery = await loadDelivery(tx, deliveryId);
    const subscription = await loadSubscription(tx, delivery.subscriptionId);
    const sameEvent = and(
      eq(webhookDeliveries.subscriptionId, delivery.subscriptionId),
      eq(webhookDeliveries.eventId, delivery.eventId),
    );
    const [waiting] = await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(and(sameEvent, eq(webhookDeliveries.status, 'pending')))
      .returning();
    const [last] = await tx
      .select({ attempt: sql<number>`max(${webhookDeliveries.attempt})::int` })
      .from(webhookDeliveries)
      .where(sameEvent);
    const [row] = waiting
      ? [waiting]
      : await tx
          .insert(webhookDeliveries)
          .values({
            subscriptionId: delivery.subscriptionId,
            eventId: delivery.eventId,
            attempt: (last?.attempt ?? delivery.attempt) + 1,
          })
          .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'webhook.redelivery_requested',
      projectId: subscription.projectId,
      payload: {
        subscription_id: subscription.id,
        event_id: delivery.eventId,
        delivery_id: row!.id,
        attempt: row!.attempt,
      },
    });
    return row!;
  });
}

export async function listDeliveries(
  db: Queryable,
  subscriptionId: number,
  paging: { limit: number; offset: number },
): Promise<{ items: WebhookDelivery[]; total: number }> {
  await loadSubscription(db, subscriptionId);
  const where = eq(webhookDeliveries.subscriptionId, subscriptionId);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(webhookDeliveries).where(where);
  const items = await db
    .select()
    .from(webhookDeliveries)
    .where(where)
    .orderBy(desc(webhookDeliveries.id))
    .limit(paging.limit)
    .offset(paging.offset);
  return { items, total: count?.total ?? 0 };
}
