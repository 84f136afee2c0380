/** The event log, read back in pages (the live stream is stream.ts). */
import { z } from 'zod';
import { eventPageSchema } from '../../contracts/events.ts';
import { listEvents } from '../../services/events.ts';
import type { Api, ApiDeps } from '../deps.ts';
import { afterId, decimal, optionalId, paging } from '../schemas.ts';
import { toApi } from '../serialize.ts';

export function registerEventRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/events',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['events'],
        summary:
          'The event log in id order (page with after_id=<last id seen>), or newest first with order=desc (page with before_id)',
        querystring: z.object({
          after_id: afterId.optional(),
          before_id: decimal(Number.MAX_SAFE_INTEGER).optional(),
          order: z.enum(['asc', 'desc']).default('asc'),
          run_id: optionalId,
          project_id: optionalId,
          task_id: optionalId,
          limit: paging.limit,
        }),
        response: { 200: eventPageSchema },
      },
    },
    async (request) => {
      const { after_id, before_id, order, run_id, project_id, task_id, limit } = request.query;
      const items = await listEvents(db, {
        afterId: after_id,
        beforeId: before_id,
        newestFirst: order === 'desc',
        runId: run_id,
        projectId: project_id,
        taskId: task_id,
        limit,
      });
      const last = items.at(-1);
      const more = items.length === limit && last;
      return order === 'desc'
        ? { items: toApi(items), next_before_id: more ? last.id : null }
        : { items: toApi(items), next_after_id: more ? last.id : null };
    },
  );
}
