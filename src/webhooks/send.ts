/**
 * One signed POST to a subscriber. The host is resolved here and every address it resolves to is checked
 * before connecting to the one checked (a DNS answer cannot change between the check and the connection);
 * redirects are not followed (a 3xx is a failed attempt), so no redirect can lead to a private address.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkedAddress } from './address.ts';

export const RESPONSE_BODY_LIMIT = 1024;

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

export interface SendResult {
  /** The HTTP status; null when no answer came (refused, timed out, a refused address). */
  status: number | null;
  retryAfter: string | undefined;
  /** The first KB of the answer. */
  body: string | null;
  error: string | null;
}

export async function sendWebhook(options: SendOptions): Promise<SendResult> {
  const url = new URL(options.url);
  let target: { address: string; family: number };
  try {
    target = await checkedAddress(url.hostname, options.allowPrivate);
  } catch (error) {
    return { status: null, retryAfter: undefined, body: null, error: (error as Error).message };
  }
  // The connection goes to the address checked above, whatever a second resolution would say.
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': 'Workhorse-Webhooks',
          ...options.headers,
        },
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? null,
            retryAfter: res.headers['retry-after'],
            body: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8'),
            error: null,
          }),
        );
        res.on('error', (error) =>
          resolve({
            status: res.statusCode ?? null,
            retryAfter: undefined,
            body: null,
            error: error.message,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) =>
      resolve({ status: null, retryAfter: undefined, body: null, error: error.message }),
    );
    req.end(options.body);
  });
}
