/** Webhook subscriptions (admin): made, read, changed, deleted, rotated, tested; their deliveries. */
import { z } from 'zod';
import {
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookSubscriptionSchema,
  webhookSubscriptionWithSecretSchema,
  webhookTestSchema,
} from '../../contracts/webhooks.ts';
import { webhookMessageId } from '../../domain/webhooks.ts';
import {
  createSubscription,
  deleteSubscription,
  listDeliveries,
  listSubscriptions,
  loadSubscription,
  redeliver,
  rotateSecret,
  sendTestEvent,
  updateSubscription,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../../services/webhooks.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bigIdParams, bodyId, idParams, paging } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const webhookUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).max(2000);

const fields = {
  event_types: z
    .array(z.string().max(100))
    .max(100)
    .describe(
      'catalogued event types (or the aliases state_change, run_created); empty or absent: every event',
    )
    .optional(),
  project_id: bodyId.nullable().optional(),
  enabled: z.boolean().optional(),
  description: z.string().max(1000).optional(),
};

function subscriptionAnswer(subscription: WebhookSubscription) {
  const { secret: _secret, previousSecret: _previous, eventCursorXid: _xid, ...shown } = subscription;
  return toApi(shown);
}

function withSecret(subscription: WebhookSubscription) {
  return { ...subscriptionAnswer(subscription), secret: subscription.secret };
}

function deliveryAnswer(delivery: WebhookDelivery) {
  const { leaseOwner: _owner, leaseToken: _token, leaseExpiresAt: _expires, ...shown } = delivery;
  return { ...toApi(shown), webhook_id: webhookMessageId(delivery.subscriptionId, delivery.eventId) };
}

function fieldsOf(body: {
  url?: string | undefined;
  event_types?: string[] | undefined;
  project_id?: number | null | undefined;
  enabled?: boolean | undefined;
  description?: string | undefined;
}) {
  return {
    url: body.url,
    eventTypes: body.event_types,
    projectId: body.project_id,
    enabled: body.enabled,
    description: body.description,
  };
}

export function registerWebhookRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;
  const policy = { allowPrivate: deps.webhookAllowPrivate ?? false };
  const admin = { permission: 'admin' } as const;
  const tags = ['webhooks'];

  app.get(
    '/api/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Every webhook subscription',
        response: { 200: z.array(webhookSubscriptionSchema) },
      },
    },
    async () => (await listSubscriptions(db)).map(subscriptionAnswer),
  );

  app.post(
    '/api/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Subscribe a URL to events; the answer carries its signing secret, shown this once. A host that is or resolves to a private, loopback or link-local address is refused (400) unless WH_WEBHOOK_ALLOW_PRIVATE=true',
        body: z.strictObject({ url: webhookUrl, ...fields }),
        response: { 201: webhookSubscriptionWithSecretSchema },
      },
    },
    async (request, reply) => {
      const created = await createSubscription(
        contextFor(deps, request),
        {
          ...fieldsOf(request.body),
          url: request.body.url,
        },
        policy,
      );
      return reply.code(201).send(withSecret(created));
    },
  );

  app.get(
    '/api/webhooks/:id',
    {
      config: admin,
      schema: { tags, params: idParams, response: { 200: webhookSubscriptionSchema } },
    },
    async (request) => subscriptionAnswer(await loadSubscription(db, request.params.id)),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change a subscription; enabling it again delivers what happened while it was off',
        params: idParams,
        body: z.strictObject({ url: webhookUrl.optional(), ...fields }),
        response: { 200: webhookSubscriptionSchema },
      },
    },
    async (request) =>
      subscriptionAnswer(
        await updateSubscription(
          contextFor(deps, request),
          request.params.id,
          fieldsOf(request.body),
          policy,
        ),
      ),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Delete a subscription: nothing more is sent; its deliveries stay on record',
        params: idParams,
        response: { 200: webhookSubscriptionSchema },
      },
    },
    async (request) =>
      subscriptionAnswer(await deleteSubscription(contextFor(deps, request), request.params.id)),
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      config: admin,
      schema: {
        tags,
        summary: 'A new signing secret, shown this once; the previous one also signs for 24 hours',
        params: idParams,
        response: { 200: webhookSubscriptionWithSecretSchema },
      },
    },
    async (request) => withSecret(await rotateSecret(contextFor(deps, request), request.params.id)),
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a `webhook.test` event to this subscription alone',
        params: idParams,
        response: { 202: webhookTestSchema },
      },
    },
    async (request, reply) => {
      const { eventId } = await sendTestEvent(contextFor(deps, request), request.params.id);
      return reply.code(202).send({ event_id: eventId });
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        summary: "A subscription's delivery attempts, newest first",
        params: idParams,
        querystring: z.object(paging),
        response: { 200: webhookDeliveryPageSchema },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const result = await listDeliveries(db, request.params.id, { limit, offset });
      return { items: result.items.map(deliveryAnswer), total: result.total, limit, offset };
    },
  );

  app.post(
    '/api/webhook-deliveries/:id/redeliver',
    {
      config: admin,
      schema: {
        tags,
        summary: "Deliver a delivery's event again (a new attempt, due now, under the same webhook-id)",
        params: bigIdParams,
        response: { 202: webhookDeliverySchema },
      },
    },
    async (request, reply) =>
      reply.code(202).send(deliveryAnswer(await redeliver(contextFor(deps, request), request.params.id))),
  );
}
