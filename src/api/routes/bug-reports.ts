/** Bug reports people file from the dashboard's widget, and their triage. */
import { z } from 'zod';
import { bugReportPageSchema, bugReportSchema } from '../../contracts/bug-reports.ts';
import { BUG_REPORT_STATUSES } from '../../domain/bug-reports.ts';
import { createBugReport, listBugReports, setBugReportStatus } from '../../services/bug-reports.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, nonEmpty, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

const bugStatus = z.enum(BUG_REPORT_STATUSES);

export function registerBugReportRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/bug-reports',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['bug-reports'],
        querystring: z.object({ status: bugStatus.optional(), ...paging }),
        response: { 200: bugReportPageSchema },
      },
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
        response: { 201: bugReportSchema },
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
      schema: {
        tags: ['bug-reports'],
        params: idParams,
        body: z.object({ status: bugStatus }),
        response: { 200: bugReportSchema },
      },
    },
    async (request) =>
      toApi(await setBugReportStatus(contextFor(deps, request), request.params.id, request.body.status)),
  );
}
