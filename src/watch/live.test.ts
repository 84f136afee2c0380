/**
 * The terminal view's live feed against an HTTP server that speaks the event stream and drops it: the
 * feed resumes after the last event it delivered, even when the stream broke off mid-way (a read that
 * throws), and after where the server stood when the stream drops before its first event.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../cli/api-client.ts';
import { followEvents, type LiveEvent } from './live.ts';

const servers: ReturnType<typeof createServer>[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function send(response: ServerResponse, id: number): void {
  response.write(
    `id: ${id}\nevent: task.created\ndata: ${JSON.stringify({ id, type: 'task.created', run_id: 1 })}\n\n`,
  );
}

describe('followEvents', () => {
  it('resumes after the last event delivered when the stream drops', async () => {
    const asked: (string | null)[] = [];
    // What was written reaches the client before the drop, so the read breaks off after it.
    const dropSoon = (response: ServerResponse) => setTimeout(() => response.socket?.destroy(), 100);
    // Each connection in turn: the server's place only, then two events, then one that stays open.
    const connections = [
      dropSoon,
      (response: ServerResponse) => {
        send(response, 6);
        send(response, 7);
        dropSoon(response);
      },
      (response: ServerResponse) => send(response, 8),
    ];
    const server = createServer((request, response) => {
      asked.push(new URL(request.url ?? '/', 'http://x').searchParams.get('after_id'));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`event: ready\ndata: ${JSON.stringify({ last_id: 5 })}\n\n`);
      connections[asked.length - 1]?.(response);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new ApiClient({ url, token: null, tokenFrom: null });

    const delivered: number[] = [];
    const stop = new AbortController();
    const lastArrived = new Promise<void>((resolve) => {
      void followEvents(
        client,
        1,
        (event: LiveEvent) => {
          delivered.push(event.id);
          if (event.id === 8) resolve();
        },
        stop.signal,
      );
    });
    await lastArrived;
    stop.abort();

    expect(delivered).toEqual([6, 7, 8]);
    expect(asked).toEqual([null, '5', '7']);
  }, 20_000);
});
