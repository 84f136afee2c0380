/**
 * The webhook outbox on PostgreSQL with two real connections: an event whose transaction took its id first
 * but commits last is still delivered. The dispatcher must neither pass it (reading the later id first)
 * nor lock the events table to wait for it; it waits only by not reading past the oldest transaction still
 * running.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/services/context.ts';
import { createSubscription, sendTestEvent } from '../../src/services/webhooks.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';

let database: TestDatabase;
let ctx: ServiceContext;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  await receiver.listen();
});

afterAll(async () => {
  await receiver.close();
  await database?.close();
});

describe('webhook outbox with a transaction committing late', () => {
  it('delivers an event committed after a higher id was visible, in transaction order', async () => {
    const subscription = await createSubscription(
      ctx,
      { url: receiver.url(), eventTypes: ['webhook.test'] },
      { allowPrivate: true },
    );
    receiver.secrets.push(subscription.secret);
    const dispatcher = new WebhookDispatcher({ db: database.db, allowPrivate: true, timeoutMs: 2000 });

    const slow = new pg.Client({ connectionString: database.url! });
    await slow.connect();
    try {
      await slow.query('begin');
      const inserted = await slow.query<{ id: string }>(
        `insert into events (type, actor, payload) values ('webhook.test', 'test', $1) returning id`,
        [{ subscription_id: subscription.id }],
      );
      const lateId = Number(inserted.rows[0]!.id);
      const { eventId: committedId } = await sendTestEvent(ctx, subscription.id);
      expect(committedId).toBeGreaterThan(lateId);

      // The later id is visible, the earlier one is not yet: nothing past the open transaction is read.
      await dispatcher.tick();
      expect(receiver.received).toEqual([]);

      await slow.query('commit');
      await dispatcher.tick();
      expect(receiver.delivered().map((entry) => entry.eventId)).toEqual([lateId, committedId]);
      expect(receiver.delivered().every((entry) => entry.verifiedWith.length === 1)).toBe(true);
    } finally {
      await slow.end();
      await dispatcher.stop();
    }
  });
});
