/**
 * How `wh serve` hands out the built dashboard and the API's JSON, over real HTTP: compressed as the client
 * accepts (brotli, gzip, or not at all), hashed assets cached for a year, index.html revalidated, no public
 * source maps, and the live event stream never compressed (a compressor would hold its events back). Then
 * Chromium itself: the bundle it loads arrives compressed and immutable.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, missingBrowser, newContext, type Server, startServerAndBrowser } from './harness.ts';

const skipReason = missingBrowser();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (node's fetch would ask for and undo compression by itself, hiding what was sent). */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first bytes of a response that never ends (the event stream), with its headers. */
function firstBytes(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunk });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skipReason !== null)('serving the dashboard and the API', () => {
  let server: Server;
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    ensureBuilt();
    ({ server, browser } = await startServerAndBrowser());
    const index = (await get(`${server.base}/ui/`)).body.toString();
    bundle = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(index)![1]!;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends the hashed bundle compressed as asked, and cached for a year', async () => {
    const plain = await get(`${server.base}${bundle}`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const brotli = await get(`${server.base}${bundle}`, { 'accept-encoding': 'br, gzip' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2);

    const gzip = await get(`${server.base}${bundle}`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
  });

  it('has index.html revalidated on every load, deep links included', async () => {
    for (const path of ['/ui/', '/ui/runs/', '/ui/index.html']) {
      const page = await get(`${server.base}${path}`, { 'accept-encoding': 'gzip' });
      expect(page.status, path).toBe(200);
      expect(page.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('publishes no source map', async () => {
    expect(bundle).not.toContain('.map');
    const mapped = await get(`${server.base}${bundle}.map`);
    expect(mapped.status).toBe(404);
    const plain = (await get(`${server.base}${bundle}`)).body.toString();
    expect(plain).not.toContain('sourceMappingURL');
  });

  it("compresses the API's JSON but never the live event stream", async () => {
    for (let n = 0; n < 12; n++) {
      const made = await server.api('POST', '/api/bug-reports', {
        title: `report ${n}`,
        description: 'x'.repeat(200),
      });
      expect(made.status).toBe(201);
    }
    const auth = { authorization: `Bearer ${server.token}` };
    const listed = await get(`${server.base}/api/bug-reports`, { ...auth, 'accept-encoding': 'gzip' });
    expect(listed.status).toBe(200);
    expect(listed.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(listed.body).toString()).items).toHaveLength(12);

    const stream = await firstBytes(`${server.base}/api/events/stream?after_id=0`, {
      ...auth,
      'accept-encoding': 'br, gzip',
    });
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['content-encoding']).toBeUndefined();
    expect(stream.body.toString()).toMatch(/^retry: \d+\nevent: ready\n/);
  });

  it('gives Chromium the bundle compressed and immutable', async () => {
    const { context, errors } = await newContext(browser);
    try {
      const page = await context.newPage();
      const script = page.waitForResponse((response) => response.url().endsWith(bundle));
      await page.goto(server.loginUrl);
      const headers = await (await script).allHeaders();
      expect(headers['content-encoding']).toBe('br');
      expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
