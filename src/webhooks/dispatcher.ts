/**
 * The webhook dispatcher: every second it turns new events into deliveries, claims the due ones and sends
 * them, one at a time per subscription and subscriptions side by side. Any number may run on one database
 * (in `wh serve` and in every `wh worker`): the outbox's claims make each attempt one dispatcher's.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { parseRetryAfter, RETRY_SCHEDULE_MS, webhookBody, webhookMessageId } from '../domain/webhooks.ts';
import {
  type AttemptResult,
  type ClaimedDelivery,
  claimDeliveries,
  enqueueDeliveries,
  recordAttempt,
  signingSecrets,
} from '../services/webhook-outbox.ts';
import { sendWebhook } from './send.ts';
import { signedHeaders } from './signature.ts';

export interface DispatcherOptions {
  db: Db;
  /** Send to private, loopback and link-local addresses too (WH_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  logger?: Logger | undefined;
  everyMs?: number;
  /** Longer than a send's timeout, so a lease outlives the attempt it covers. */
  leaseSeconds?: number;
  timeoutMs?: number;
  /** Deliveries sent side by side per pass (each of a different subscription). */
  batch?: number;
  retrySchedule?: readonly number[];
  now?: () => number;
  random?: () => number;
}

export class WebhookDispatcher {
  readonly id = `${hostname()}:${process.pid}:webhooks:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> = Promise.resolve();
  private running = false;
  private stopping = false;

  constructor(private readonly options: DispatcherOptions) {}

  start(): void {
    const tick = () => {
      // A slow receiver makes a pass outlast the interval: the next waits rather than piling up.
      if (this.running) return;
      this.running = true;
      this.ticking = this.tick()
        .catch((error) => this.options.logger?.warn({ err: error }, 'webhook dispatch failed'))
        .finally(() => {
          this.running = false;
        });
    };
    tick();
    this.timer = setInterval(tick, this.options.everyMs ?? 1000);
    this.timer.unref();
  }

  /** Stops after the attempts in flight; the rest of a backlog is left to the next dispatcher. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /**
   * One pass: new events matched, then due deliveries sent round after round until none is due, so a
   * backlog drains at the receivers' pace. A subscription whose attempt failed waits for the next pass.
   */
  async tick(): Promise<AttemptResult[]> {
    const { db } = this.options;
    await enqueueDeliveries(db);
    const results: AttemptResult[] = [];
    const failing = new Set<number>();
    while (!this.stopping) {
      const claimed = await claimDeliveries(db, {
        owner: this.id,
        leaseSeconds: this.options.leaseSeconds ?? 60,
        limit: this.options.batch ?? 20,
        skipSubscriptions: [...failing],
      });
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(claimed.map((claim) => this.attempt(claim)));
      outcomes.forEach((outcome, index) => {
        if (outcome !== 'delivered') failing.add(claimed[index]!.subscription.id);
      });
      results.push(...outcomes);
    }
    return results;
  }

  private async attempt(claim: ClaimedDelivery): Promise<AttemptResult> {
    const now = this.options.now ?? Date.now;
    const { delivery, subscription, event } = claim;
    const messageId = webhookMessageId(subscription.id, event.id);
    const body = webhookBody(event);
    const sentAt = now();
    const result = await sendWebhook({
      url: subscription.url,
      headers: {
        ...signedHeaders(
          signingSecrets(subscription, new Date(sentAt)),
          messageId,
          Math.floor(sentAt / 1000),
          body,
        ),
      },
      body,
      allowPrivate: this.options.allowPrivate,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    const outcome = await recordAttempt(
      this.options.db,
      claim,
      {
        status: result.status,
        latencyMs: Math.max(0, now() - sentAt),
        responseBody: result.body,
        error: result.error,
        retryAfterMs: parseRetryAfter(result.retryAfter, now()),
      },
      this.options.retrySchedule ?? RETRY_SCHEDULE_MS,
      (this.options.random ?? Math.random)(),
    );
    // The URL and the outcome only: never the headers (they carry signatures) nor the secret.
    this.options.logger?.debug(
      {
        subscription: subscription.id,
        event: event.id,
        attempt: delivery.attempt,
        status: result.status,
        outcome,
      },
      'webhook attempt',
    );
    return outcome;
  }
}
