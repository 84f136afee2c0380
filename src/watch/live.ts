/**
 * The terminal view's live feed: the API's event stream (Server-Sent Events), followed until stopped and
 * resumed after the last event seen when the connection drops, as the dashboard does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import type { ApiClient } from '../cli/api-client.ts';

const RECONNECT_MS = 2000;

export interface LiveEvent {
  id: number;
  type: string;
  run_id: number | null;
}

async function readOnce(
  client: ApiClient,
  query: { run_id?: number; after_id?: number },
  onEvent: (event: LiveEvent) => void,
  signal: AbortSignal,
): Promise<number | undefined> {
  let lastId = query.after_id;
  const response = await client.send('GET', '/api/events/stream', {
    query,
    accept: 'text/event-stream',
    signal,
  });
  const parser = createParser({
    onEvent(message) {
      if (message.event === 'ready' || !message.data) return;
      const event = JSON.parse(message.data) as LiveEvent;
      lastId = event.id;
      onEvent(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? [])
    parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
  return lastId;
}

/** Calls `onEvent` for each event of the run (or all runs) until `signal` aborts; never throws. */
export async function followEvents(
  client: ApiClient,
  runId: number | undefined,
  onEvent: (event: LiveEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let afterId: number | undefined;
  while (!signal.aborted) {
    try {
      afterId = await readOnce(client, { run_id: runId, after_id: afterId }, onEvent, signal);
    } catch {
      // The server restarted or the network dropped: the view keeps its last state and tries again.
    }
    if (!signal.aborted) await sleep(RECONNECT_MS, undefined, { signal }).catch(() => {});
  }
}
