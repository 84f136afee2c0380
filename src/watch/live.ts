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

/** Where the feed resumes: after the last event delivered, or where the server stood when first read. */
interface StreamPlace {
  afterId: number | undefined;
}

async function readOnce(
  client: ApiClient,
  runId: number | undefined,
  place: StreamPlace,
  onEvent: (event: LiveEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await client.send('GET', '/api/events/stream', {
    query: { run_id: runId, after_id: place.afterId },
    accept: 'text/event-stream',
    signal,
  });
  const parser = createParser({
    onEvent(message) {
      if (message.event === 'ready') {
        // A stream that drops before its first event resumes from here, not from whatever is new by then.
        place.afterId ??= (JSON.parse(message.data) as { last_id: number }).last_id;
        return;
      }
      if (!message.data) return;
      const event = JSON.parse(message.data) as LiveEvent;
      // Moved as each event arrives: a stream that drops throws, and must not lose what it delivered.
      place.afterId = event.id;
      onEvent(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? [])
    parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
}

/** Calls `onEvent` for each event of the run (or all runs) until `signal` aborts; never throws. */
export async function followEvents(
  client: ApiClient,
  runId: number | undefined,
  onEvent: (event: LiveEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const place: StreamPlace = { afterId: undefined };
  while (!signal.aborted) {
    try {
      await readOnce(client, runId, place, onEvent, signal);
    } catch {
      // The server restarted or the network dropped: the view keeps its last state and tries again.
    }
    if (!signal.aborted) await sleep(RECONNECT_MS, undefined, { signal }).catch(() => {});
  }
}
