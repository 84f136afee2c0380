/**
 * Webhook delivery end to end (PGlite and PostgreSQL): real subscriptions, real events, a real dispatcher
 * and a real HTTP receiver that checks signatures by the Standard Webhooks specification. Retries wait no
 * time here (a zero schedule), so a receiver's outage is a few dispatcher passes, not hours.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, webhookDeliveries, webhookSubscriptions } from '../../src/db/schema.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createSubscription, redeliver, rotateSecret, sendTestEvent } from '../../src/services/webhooks.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

let database: TestDatabase;
let ctx: ServiceContext;
const receivers: WebhookReceiver[] = [];
const NO_WAIT = Array.from({ length: 20 }, () => 0);

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
});

afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await database?.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const made = new WebhookReceiver();
  receivers.push(made);
  await made.listen();
  return made;
}

function dispatcher(options: { allowPrivate?: boolean; retrySchedule?: readonly number[] } = {}) {
  return new WebhookDispatcher({
    db: database.db,
    allowPrivate: options.allowPrivate ?? true,
    retrySchedule: options.retrySchedule ?? NO_WAIT,
    timeoutMs: 2000,
  });
}

/** A subscription of test events only, with the receiver told its secret. */
async function subscribe(to: WebhookReceiver, url = to.url()) {
  const subscription = await createSubscription(
    ctx,
    { url, eventTypes: ['webhook.test'] },
    { allowPrivate: true },
  );
  to.secrets.push(subscription.secret);
  return subscription;
}

async function testEvents(subscriptionId: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) ids.push((await sendTestEvent(ctx, subscriptionId)).eventId);
  return ids;
}

function attemptsOf(subscriptionId: number) {
  return database.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.subscriptionId, subscriptionId))
    .orderBy(webhookDeliveries.id);
}

async function subscriptionRow(id: number) {
  const [row] = await database.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  return row!;
}

describe('webhook delivery', () => {
  it('delivers every event in order through an outage and a dispatcher restart, holding only the failing subscription', async () => {
    const flaky = await receiver();
    const steady = await receiver();
    const held = await subscribe(flaky);
    const other = await subscribe(steady);
    const heldEvents = await testEvents(held.id, 5);
    const otherEvents = await testEvents(other.id, 5);

    await flaky.close(); // refusing connections
    const first = dispatcher();
    await first.tick();
    await first.tick();
    await first.stop();
    expect(flaky.received).toEqual([]);
    expect(steady.delivered().map((entry) => entry.eventId)).toEqual(otherEvents);
    const refused = (await attemptsOf(held.id)).filter((row) => row.eventId === heldEvents[0]);
    expect(refused.map((row) => [row.eventId, row.attempt, row.status])).toEqual([
      [heldEvents[0], 1, 'failed'],
      [heldEvents[0], 2, 'failed'],
      [heldEvents[0], 3, 'pending'],
    ]);
    expect(refused[0]!.error).toMatch(/ECONNREFUSED/);

    await flaky.listen(); // up again, but failing
    flaky.answer = { status: 500 };
    const second = dispatcher(); // a new process: all it knows is in the database
    await second.tick();
    expect(flaky.received.map((entry) => entry.eventId)).toEqual([heldEvents[0]]);
    flaky.answer = { status: 200 };
    await second.tick();
    await second.stop();

    expect(flaky.delivered().map((entry) => entry.eventId)).toEqual(heldEvents);
    expect(flaky.delivered().map((entry) => entry.id)).toEqual(
      heldEvents.map((id) => `msg_${held.id}_${id}`),
    );
    for (const entry of [...flaky.received, ...steady.received]) {
      expect(entry.type).toBe('webhook.test');
      expect(entry.verifiedWith).toHaveLength(1);
      expect(Math.abs(entry.timestamp - Date.now() / 1000)).toBeLessThan(60);
    }
    const rows = await attemptsOf(held.id);
    expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
    const failed = rows.find((row) => row.responseStatus === 500)!;
    expect(failed.responseBody).toBe('ok');
    expect(failed.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('loses nothing when a dispatcher stops mid-backlog, and resends an attempt whose dispatcher died', async () => {
    const target = await receiver();
    const subscription = await subscribe(target);
    const sent = await testEvents(subscription.id, 30);
    const first = dispatcher();
    first.start();
    await expect.poll(() => target.delivered().length, { timeout: 10_000, interval: 5 }).toBeGreaterThan(3);
    await first.stop();
    const before = target.delivered().length;
    expect(before).toBeLessThan(30);

    // A dispatcher that claimed an attempt and died: its lease runs out and another sends it again.
    const second = dispatcher();
    await database.db.execute(sql`
      update webhook_deliveries set lease_owner = 'dead', lease_token = gen_random_uuid(),
             lease_expires_at = now() - interval '1 second'
       where id = (select min(id) from webhook_deliveries
                    where subscription_id = ${subscription.id} and status = 'pending')`);
    await second.tick();
    await second.stop();
    const ids = target.delivered().map((entry) => entry.eventId);
    expect([...new Set(ids)]).toEqual(sent);
    expect(ids.length).toBeLessThanOrEqual(31); // at least once: the attempt in flight at the stop may repeat
  });

  it('never sends one attempt from two dispatchers running at once', async () => {
    const target = await receiver();
    const subscriptions = [await subscribe(target), await subscribe(target), await subscribe(target)];
    for (const subscription of subscriptions) await testEvents(subscription.id, 15);
    const racing = [dispatcher(), dispatcher(), dispatcher()];
    await Promise.all(racing.map((each) => each.tick()));
    await Promise.all(racing.map((each) => each.tick()));
    const counts = new Map<string, number>();
    for (const entry of target.received) counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
    expect(counts.size).toBe(45);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const subscription of subscriptions) {
      const order = target.received
        .filter((entry) => entry.id.startsWith(`msg_${subscription.id}_`))
        .map((entry) => entry.eventId);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('disables a subscription whose receiver answers 410 Gone, with an event', async () => {
    const gone = await receiver();
    gone.answer = { status: 410 };
    const subscription = await subscribe(gone);
    const [eventId] = await testEvents(subscription.id, 2);
    await dispatcher().tick();
    const row = await subscriptionRow(subscription.id);
    expect(row.enabled).toBe(false);
    expect(row.disabledReason).toBe('gone');
    expect(gone.received).toHaveLength(1);
    const [disabled] = await database.db
      .select()
      .from(events)
      .where(
        and(
          eq(events.type, 'webhook.disabled'),
          sql`(${events.payload}->>'subscription_id')::int = ${subscription.id}`,
        ),
      );
    expect(disabled!.payload).toMatchObject({ reason: 'gone', event_id: eventId });
  });

  it('disables a subscription still failing at the end of its retry schedule', async () => {
    const failing = await receiver();
    failing.answer = { status: 500 };
    const subscription = await subscribe(failing);
    await testEvents(subscription.id, 1);
    const short = dispatcher({ retrySchedule: [0] });
    await short.tick();
    await short.tick();
    expect(failing.received).toHaveLength(2);
    expect((await subscriptionRow(subscription.id)).disabledReason).toBe('retries_exhausted');
  });

  it("waits as the receiver's Retry-After asks, in seconds or as a date", async () => {
    const busy = await receiver();
    busy.answer = { status: 503, headers: { 'retry-after': '120' } };
    const subscription = await subscribe(busy);
    await testEvents(subscription.id, 1);
    await dispatcher({ retrySchedule: [5000, 5000] }).tick();
    const [next] = (await attemptsOf(subscription.id)).filter((row) => row.status === 'pending');
    const [now] = (await database.db.execute<{ now: string }>(sql`select now()::text as now`)).rows;
    const wait = next!.nextAttemptAt.getTime() - new Date(now!.now).getTime();
    expect(wait).toBeGreaterThan(110_000);
    expect(wait).toBeLessThan(121_000);

    await database.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(webhookDeliveries.id, next!.id));
    busy.answer = { status: 429, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } };
    await dispatcher({ retrySchedule: [5000, 5000] }).tick();
    const [later] = (await attemptsOf(subscription.id)).filter((row) => row.status === 'pending');
    expect(later!.attempt).toBe(3);
    expect(later!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(3_500_000);
  });

  it('refuses private targets unless allowed: a loopback address, a name resolving to one, IPv6 loopback', async () => {
    const target = await receiver();
    const urls = [target.url(), target.url('localhost'), `http://[::1]:${target.port}/hook`];
    const subscriptions = [];
    for (const url of urls) subscriptions.push(await subscribe(target, url));
    for (const subscription of subscriptions) await testEvents(subscription.id, 1);
    await dispatcher({ allowPrivate: false }).tick();
    expect(target.received).toEqual([]);
    for (const subscription of subscriptions) {
      const [attempt] = await attemptsOf(subscription.id);
      expect(attempt!.status).toBe('failed');
      expect(attempt!.error).toMatch(/private, loopback or link-local/);
    }
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const moved = await receiver();
    moved.answer = { status: 302, headers: { location: 'http://169.254.169.254/' } };
    const subscription = await subscribe(moved);
    await testEvents(subscription.id, 1);
    await dispatcher().tick();
    const [attempt, next] = await attemptsOf(subscription.id);
    expect([attempt!.status, attempt!.responseStatus, next!.status]).toEqual(['failed', 302, 'pending']);
    expect(moved.received).toHaveLength(1);
    // Asking again while a retry waits makes that retry due rather than adding a second.
    expect((await redeliver(ctx, attempt!.id)).id).toBe(next!.id);
    expect(await attemptsOf(subscription.id)).toHaveLength(2);
  });

  it('signs with both secrets during a rotation, and redelivers on request under the same webhook-id', async () => {
    const target = await receiver();
    const subscription = await subscribe(target);
    const rotated = await rotateSecret(ctx, subscription.id);
    target.secrets = [subscription.secret, rotated.secret];
    await testEvents(subscription.id, 1);
    const sender = dispatcher();
    await sender.tick();
    expect(target.received[0]!.verifiedWith).toEqual([subscription.secret, rotated.secret]);

    const [delivered] = await attemptsOf(subscription.id);
    await redeliver(ctx, delivered!.id);
    await sender.tick();
    expect(target.received.map((entry) => entry.id)).toEqual([
      target.received[0]!.id,
      target.received[0]!.id,
    ]);

    // Once the overlap is over, only the new secret signs.
    await database.db
      .update(webhookSubscriptions)
      .set({ previousSecretExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(webhookSubscriptions.id, subscription.id));
    await testEvents(subscription.id, 1);
    await sender.tick();
    expect(target.received[2]!.verifiedWith).toEqual([rotated.secret]);
  });
});
