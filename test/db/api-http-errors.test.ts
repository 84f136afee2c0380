/**
 * Requests refused before any route runs, over a real socket (PGlite and PostgreSQL): by Fastify's router
 * (a bad percent-encoding, an overlong path segment), by Node's HTTP parser (oversized headers, a request
 * that is not HTTP), and a `Last-Event-ID` that is not an event id. Every one answers in the documented
 * `{error: {code, message, details}}` shape, and none reaches the database.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let base = '';
let port = 0;

beforeAll(async () => {
  api = await startTestApi();
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  port = (api.app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => api?.close());

/** Sends raw bytes and returns the status and JSON body of the answer. */
function raw(request: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
    });
  });
}

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, { headers: { ...api.auth(), ...headers } });
  return { status: response.status, body: (await response.json()) as { error: { code: string } } };
}

const shaped = (code: string) => ({
  error: { code, message: expect.any(String), details: expect.any(Object) },
});

describe('errors raised before any route', () => {
  it('answers a path segment over the length limit with 414 in the error shape', async () => {
    const answer = await get(`/api/projects/${'1'.repeat(200)}`);
    expect(answer.status).toBe(414);
    expect(answer.body).toEqual(shaped('WH_MAX_PARAM_LENGTH'));
  });

  it('answers a bad percent-encoding with 400 in the error shape', async () => {
    const answer = await get('/api/projects/%');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(shaped('WH_BAD_URL'));
  });

  it.each([
    [
      'a body over the size limit',
      'application/json',
      `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      413,
      'WH_BODY_TOO_LARGE',
    ],
    [
      'a body of a type the API does not read',
      'application/xml',
      '<project/>',
      415,
      'WH_UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('answers %s with its catalogued code', async (_what, type, body, status, code) => {
    const response = await fetch(`${base}/api/projects`, {
      method: 'POST',
      headers: { ...api.auth(), 'content-type': type },
      body,
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status, body: shaped(code) });
  });

  it('answers headers too large for Node (a 20 KB URL) with 431 in the error shape', async () => {
    const answer = await raw(`GET /api/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toEqual({ status: 431, body: shaped('WH_HEADERS_TOO_LARGE') });
  });

  it('answers what is not HTTP with 400 in the error shape', async () => {
    const answer = await raw('GET /api/status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(answer).toEqual({ status: 400, body: shaped('WH_BAD_REQUEST') });
  });

  it.each(['1e21', '-1', 'abc', '99999999999999999999'])(
    'refuses Last-Event-ID %j before the stream opens',
    async (header) => {
      const answer = await get('/api/events/stream', { 'last-event-id': header });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(shaped('WH_VALIDATION_FAILED'));
      expect(JSON.stringify(answer.body)).toContain('headers.last-event-id');
    },
  );
});
