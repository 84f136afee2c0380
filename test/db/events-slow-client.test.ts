/**
 * A live-stream client that stops reading (PGlite and PostgreSQL): what waits unsent for it is bounded.
 * More than the limit waiting for longer than the stall time (64 KB and 3 s here; 4 MB and 10 s by default)
 * and the server hangs up on it, rather than buffering for ever, while a client that reads keeps getting
 * every event, a 24 MB burst included. A dropped client resumes with Last-Event-ID.
 */
import { connect, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
let port = 0;

beforeAll(async () => {
  // The reading client shares this process with the server (and, on PGlite, the database): its socket can
  // hold more than 64 KB while the process serializes a page of events, so the stall time is not too tight.
  api = await startTestApi({ streamLimits: { bufferBytes: 64 * 1024, stallMs: 3000 } });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  port = (api.app.server.address() as { port: number }).port;
});

afterAll(() => api?.close());

const MARKER = 'event: bug_report.created';

/**
 * Counts the event frames a socket receives as they arrive. Incremental, keeping only a marker's length of
 * text across chunks: re-scanning 24 MB every poll would starve the server, which runs in this process.
 */
function countFrames(socket: Socket): { readonly frames: number } {
  const counter = { frames: 0 };
  let tail = '';
  socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    counter.frames += text.split(MARKER).length - 1;
    tail = text.slice(-(MARKER.length - 1));
  });
  return counter;
}

/** Opens the stream on a raw socket; resolves once the stream says it is ready. */
function openStream(): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET /api/events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${api.tokens.viewer}\r\n\r\n`,
      ),
    );
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('event: ready')) {
        socket.off('data', onData);
        resolve({ socket, closed });
      }
    };
    socket.on('data', onData);
    setTimeout(() => reject(new Error(`the stream did not open: ${text}`)), 10_000).unref();
  });
}

describe('a client that stops reading the live stream', () => {
  it('is disconnected once too much waits for it, while a reading client gets everything', {
    timeout: 60_000,
  }, async () => {
    const slow = await openStream();
    slow.socket.pause();
    const reader = await openStream();
    const read = countFrames(reader.socket);
    // 8,000 events of about 3 KB each: some 24 MB, past what the kernel's socket buffers on both ends can
    // hold for the slow client (a few MB each on loopback), so the rest waits in the server's memory.
    const padding = 'p'.repeat(3000);
    await api.database.db.execute(sql`
      insert into events (type, actor, payload)
      select 'bug_report.created', 'test',
             jsonb_build_object('bug_report_id', n, 'title', 'report ' || n, 'page_url', ${padding}::text)
        from generate_series(1, 8000) as n`);
    // Well past the stall time, the slow client reads what its socket holds: the server hung up on it, so
    // that ends (a paused socket cannot see its end before it reads), short of everything.
    await new Promise((r) => setTimeout(r, 8000));
    const slowRead = countFrames(slow.socket);
    slow.socket.resume();
    const hungUp = await Promise.race([
      slow.closed.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 30_000)),
    ]);
    expect(hungUp).toBe(true);
    expect(slowRead.frames).toBeLessThan(8000);
    const deadline = Date.now() + 30_000;
    while (read.frames < 8000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(read.frames).toBe(8000);
    reader.socket.destroy();
  });
});
