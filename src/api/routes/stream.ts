/**
 * `GET /api/events/stream`: Server-Sent Events of every state change, optionally for one run or project.
 * A reconnecting client sends `Last-Event-ID` (or `after_id`) and first gets what it missed, then live
 * events, with no gap: it subscribes before reading the backlog and drops what it already sent.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Event, listEvents } from '../../services/events.ts';
import type { Api, ApiDeps } from '../deps.ts';
import type { EventHub } from '../event-hub.ts';
import { optionalId } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const HEARTBEAT_MS = 15_000;
const BACKLOG_LIMIT = 5000;

function write(res: ServerResponse, event: Event): void {
  res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(toApi(event))}\n\n`);
}

export function registerStreamRoutes(app: Api, deps: ApiDeps, hub: EventHub): void {
  app.get(
    '/api/events/stream',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['events'],
        summary: 'Live events (Server-Sent Events); resumes after Last-Event-ID',
        querystring: z.object({
          run_id: optionalId,
          project_id: optionalId,
          after_id: z.coerce.number().int().min(0).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { run_id: runId, project_id: projectId } = request.query;
      const header = Number(request.headers['last-event-id']);
      const afterId = Number.isInteger(header) && header >= 0 ? header : request.query.after_id;
      const matches = (event: Event) =>
        (runId === undefined || event.runId === runId) &&
        (projectId === undefined || event.projectId === projectId);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const sent = new Set<number>();
      const pending: Event[] = [];
      let live = false;
      const deliver = (event: Event) => {
        if (sent.has(event.id)) return;
        sent.add(event.id);
        write(res, event);
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      const subscribed = hub.subscribe((event) => {
        if (!matches(event)) return;
        if (live) deliver(event);
        else pending.push(event);
      });
      // Registered before any await, so a client that leaves at once is still unsubscribed.
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        void subscribed.then((unsubscribe) => unsubscribe());
      });
      await subscribed;

      res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ last_id: hub.lastId })}\n\n`);
      if (afterId !== undefined) {
        const backlog = await listEvents(deps.database.db, {
          afterId,
          runId,
          projectId,
          limit: BACKLOG_LIMIT,
        });
        for (const event of backlog) deliver(event);
      }
      live = true;
      for (const event of pending.splice(0)) deliver(event);
    },
  );
}
