/** Bug reports, approvals and the events log: what people file, decide and read back. */

import { z } from 'zod';
import { APPROVAL_STATES } from '../../domain/approvals.ts';
import { BUG_REPORT_STATUSES } from '../../domain/bug-reports.ts';
import { decideApproval, listApprovals } from '../../services/approvals.ts';
import { createBugReport, listBugReports, setBugReportStatus } from '../../services/bug-reports.ts';
import { listEvents } from '../../services/events.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { afterId, decimal, idParams, nonEmpty, optionalId, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

const bugStatus = z.enum(BUG_REPORT_STATUSES);

export function registerFeedbackRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/bug-reports',
    {
      config: { permission: 'read' },
      schema: { tags: ['bug-reports'], querystring: z.object({ status: bugStatus.optional(), ...paging }) },
    },
    async (request) => {
      const { status, limit, offset } = request.query;
      return page(await listBugReports(db, { status, limit, offset }), limit, offset);
    },
  );

  app.post(
    '/api/bug-reports',
    {
      config: { permission: 'report' },
      schema: {
        tags: ['bug-reports'],
        body: z.object({
          title: nonEmpty(300),
          description: z.string().max(20_000).optional(),
          page_url: z.string().max(2000).nullable().optional(),
          browser_info: z.string().max(2000).nullable().optional(),
        }),
      },
    },
    async (request, reply) => {
      const { title, description, page_url, browser_info } = request.body;
      const report = await createBugReport(contextFor(deps, request), {
        title,
        description,
        pageUrl: page_url,
        browserInfo: browser_info,
      });
      reply.code(201);
      return toApi(report);
    },
  );

  app.patch(
    '/api/bug-reports/:id',
    {
      config: { permission: 'operate' },
      schema: { tags: ['bug-reports'], params: idParams, body: z.object({ status: bugStatus }) },
    },
    async (request) =>
      toApi(await setBugReportStatus(contextFor(deps, request), request.params.id, request.body.status)),
  );

  app.get(
    '/api/approvals',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['approvals'],
        querystring: z.object({
          state: z.enum(APPROVAL_STATES).optional(),
          run_id: optionalId,
          ...paging,
        }),
      },
    },
    async (request) => {
      const { state, run_id, limit, offset } = request.query;
      return page(await listApprovals(db, { state, runId: run_id, limit, offset }), limit, offset);
    },
  );

  app.post(
    '/api/approvals/:id/decide',
    {
      config: { permission: 'approve' },
      schema: {
        tags: ['approvals'],
        summary:
          "Decide a pending approval. An escalation: approve releases the task's held dev job, reject cancels it",
        params: idParams,
        body: z.object({
          decision: z.enum(['approve', 'reject']),
          note: z.string().max(2000).optional(),
        }),
      },
    },
    async (request) =>
      toApi(await decideApproval(contextFor(deps, request), request.params.id, request.body)),
  );

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
