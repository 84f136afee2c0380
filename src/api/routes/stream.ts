/**
 * `GET /api/events/stream`: Server-Sent Events of every state change, optionally for one run or project.
 * A reconnecting client sends `Last-Event-ID` (or `after_id`) and first gets what it missed, then live
 * events, with no gap: it subscribes before reading the backlog and drops what it already sent.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { errors } from '../../errors/catalogue.ts';
import { type Event, listEvents } from '../../services/events.ts';
import type { Api, ApiDeps } from '../deps.ts';
import type { EventHub } from '../event-hub.ts';
import { afterId, optionalId } from '../schemas.ts';
import { toApi } from '../serialize.ts';
import { DEFAULT_STREAM_LIMITS, SlowClientGuard } from '../stream-guard.ts';

const HEARTBEAT_MS = 15_000;
const BACKLOG_LIMIT = 5000;
function write(res: ServerResponse, event: Event, guard: SlowClientGuard): void {
  if (res.destroyed) return;
  res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(toApi(event))}\n\n`);
  guard.wrote();
}

/** `Last-Event-ID` is read like `after_id`: plain digits, or it is refused before the stream opens. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const parsed = afterId.safeParse(Array.isArray(header) ? header[0] : header);
  if (parsed.success) return parsed.data;
  throw errors.validation(`headers.last-event-id: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
    issues: [{ field: 'headers.last-event-id', message: parsed.error.issues[0]?.message ?? 'invalid' }],
  });
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
          after_id: afterId.optional(),
        }),
      },
    },
    async (request, reply) => {
      const { run_id: runId, project_id: projectId } = request.query;
      const resumeAfter = lastEventId(request.headers['last-event-id']) ?? request.query.after_id;
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
      // Never buffer for ever: a client that cannot keep up is disconnected, and resumes from its last id.
      const guard = new SlowClientGuard(res, { ...DEFAULT_STREAM_LIMITS, ...deps.streamLimits });
      const sent = new Set<number>();
      const pending: Event[] = [];
      let live = false;
      const deliver = (event: Event) => {
        if (sent.has(event.id)) return;
        sent.add(event.id);
        write(res, event, guard);
      };
      const heartbeat = setInterval(() => !res.destroyed && res.write(': ping\n\n'), HEARTBEAT_MS);
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
      if (resumeAfter !== undefined) {
        try {
          const backlog = await listEvents(deps.database.db, {
            afterId: resumeAfter,
            runId,
            projectId,
            limit: BACKLOG_LIMIT,
          });
          for (const event of backlog) deliver(event);
        } catch (error) {
          // The headers are sent: no error can be answered now. Hang up; the client resumes from its last id.
          request.log.warn({ err: error }, 'event stream backlog failed; closing the stream');
          res.destroy();
          return;
        }
      }
      live = true;
      for (const event of pending.splice(0)) deliver(event);
    },
  );
}
