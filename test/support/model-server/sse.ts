/** What an adapter hands back to the server to send: one JSON body, or a list of server-sent events. */
import type { ServerResponse } from 'node:http';

export interface SseEvent {
  /** The `event:` line; omitted for APIs that send bare `data:` lines (OpenAI chat, Gemini). */
  event?: string;
  /** Serialized as JSON unless it is a string (e.g. `[DONE]`). */
  data: unknown;
}

export type Rendered = { status: number; json: unknown } | { status: number; sse: SseEvent[] };

export function writeRendered(res: ServerResponse, rendered: Rendered): void {
  if ('json' in rendered) {
    const body = JSON.stringify(rendered.json);
    res.writeHead(rendered.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  res.writeHead(rendered.status, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const { event, data } of rendered.sse) {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  }
  res.end();
}
