/** Webhook subscriptions and their deliveries as the API answers about them. A secret is answered once. */
import { z } from 'zod';
import { id, pageOf, timestamp } from './common.ts';

export const webhookSubscriptionSchema = z.strictObject({
  id,
  url: z.string(),
  /** Catalogued event types; empty: every event. */
  event_types: z.array(z.string()),
  project_id: id.nullable(),
  enabled: z.boolean(),
  description: z.string(),
  /** Why its deliveries disabled it (`gone`: a 410; `retries_exhausted`); null when a person did, or it is on. */
  disabled_reason: z.string().nullable(),
  /** Until when the secret before the last rotation still signs. */
  previous_secret_expires_at: timestamp.nullable(),
  /** The last event matched against it. */
  event_cursor: z.number().int().min(0),
  deleted_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

/** A subscription just made, or whose secret was just rotated: the only answers that carry its secret. */
export const webhookSubscriptionWithSecretSchema = webhookSubscriptionSchema.extend({
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/),
});

export const webhookDeliverySchema = z.strictObject({
  id,
  subscription_id: id,
  event_id: id,
  /** The `webhook-id` header, the same for every attempt at this event. */
  webhook_id: z.string(),
  attempt: z.number().int().positive(),
  status: z.enum(['pending', 'delivered', 'failed']),
  response_status: z.number().int().nullable(),
  latency_ms: z.number().int().nullable(),
  /** The first KB of the receiver's answer. */
  response_body: z.string().nullable(),
  error: z.string().nullable(),
  next_attempt_at: timestamp,
  attempted_at: timestamp.nullable(),
  delivered_at: timestamp.nullable(),
  created_at: timestamp,
});

export const webhookDeliveryPageSchema = pageOf(webhookDeliverySchema);

export const webhookTestSchema = z.strictObject({
  /** The `webhook.test` event made; it is delivered to this subscription alone. */
  event_id: id,
});

export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;
export type WebhookSubscriptionWithSecret = z.infer<typeof webhookSubscriptionWithSecretSchema>;
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
