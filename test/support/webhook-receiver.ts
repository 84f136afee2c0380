/**
 * A webhook receiver on 127.0.0.1 that checks every request's signature by the Standard Webhooks
 * specification twice, independently of Workhorse's signing code: with the specification's own library
 * (`standardwebhooks`, which also checks the timestamp's freshness) and with the specification written out
 * here; the two must agree. It records what it got. What it answers is set by `answer`, switchable while it runs; `close` refuses connections
 * until `listen` opens the same port again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: number;
  type: string;
  eventId: number;
  /** The secrets (of those the test gave) whose signature the request carried. */
  verifiedWith: string[];
  answered: number;
}

export type Answer = { status: number; headers?: Record<string, string> };

/** The spec: HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed by the base64 bytes after `whsec_`. */
function verifies(secret: string, request: IncomingMessage, body: string): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(request.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((signature) => {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** The reference implementation's verdict: it throws on a bad signature or a stale timestamp. */
function libraryVerifies(secret: string, request: IncomingMessage, body: string): boolean {
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
    });
    return true;
  } catch {
    return false;
  }
}

function verifiedBoth(secret: string, request: IncomingMessage, body: string): boolean {
  const library = libraryVerifies(secret, request, body);
  if (library !== verifies(secret, request, body))
    throw new Error(
      `the standardwebhooks library and the specification disagree on ${request.headers['webhook-id']}`,
    );
  return library;
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: Answer = { status: 204 };
  secrets: string[] = [];
  private server: Server | null = null;
  port = 0;

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { type: string; data: { event_id: number } };
        const timestamp = Number(request.headers['webhook-timestamp']);
        this.received.push({
          id: String(request.headers['webhook-id']),
          timestamp,
          type: parsed.type,
          eventId: parsed.data.event_id,
          verifiedWith: this.secrets.filter((secret) => verifiedBoth(secret, request, body)),
          answered: this.answer.status,
        });
        response.writeHead(this.answer.status, this.answer.headers).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  url(host = '127.0.0.1'): string {
    return `http://${host}:${this.port}/hook`;
  }

  /** Accepted requests (2xx), in arrival order. */
  delivered(): Received[] {
    return this.received.filter((entry) => entry.answered >= 200 && entry.answered < 300);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
