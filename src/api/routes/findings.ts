import { z } from 'zod';
import { findingPageSchema, findingSchema } from '../../contracts/findings.ts';
import { FINDING_SOURCES, FINDING_STATUSES, SEVERITIES } from '../../domain/severity.ts';
import { createFinding, getFinding, listFindings, setFindingStatus } from '../../services/findings.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bodyId, idParams, MAX_INT4, nonEmpty, optionalId, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

export function registerFindingRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/findings',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['findings'],
        querystring: z.object({
          run_id: optionalId,
          task_id: optionalId,
          severity: z.enum(SEVERITIES).optional(),
          status: z.enum(FINDING_STATUSES).optional(),
          ...paging,
        }),
        response: { 200: findingPageSchema },
      },
    },
    async (request) => {
      const { run_id, task_id, severity, status, limit, offset } = request.query;
      return page(
        await listFindings(db, { runId: run_id, taskId: task_id, severity, status, limit, offset }),
        limit,
        offset,
      );
    },
  );

  app.post(
    '/api/findings',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['findings'],
        body: z.object({
          run_id: bodyId,
          task_id: bodyId.nullable().optional(),
          source: z.enum(FINDING_SOURCES).default('manual'),
          severity: z.enum(SEVERITIES),
          issue: nonEmpty(2000),
          file: z.string().max(1000).nullable().optional(),
          line: z.number().int().min(0).max(MAX_INT4).nullable().optional(),
          recommendation: z.string().max(20_000).optional(),
        }),
        response: { 201: findingSchema },
      },
    },
    async (request, reply) => {
      const { run_id, task_id, ...rest } = request.body;
      const finding = await createFinding(contextFor(deps, request), {
        runId: run_id,
        taskId: task_id,
        ...rest,
      });
      reply.code(201);
      return toApi(finding);
    },
  );

  app.get(
    '/api/findings/:id',
    {
      config: { permission: 'read' },
      schema: { tags: ['findings'], params: idParams, response: { 200: findingSchema } },
    },
    async (request) => toApi(await getFinding(db, request.params.id)),
  );

  app.patch(
    '/api/findings/:id',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['findings'],
        params: idParams,
        body: z.object({ status: z.enum(FINDING_STATUSES) }),
        response: { 200: findingSchema },
      },
    },
    async (request) =>
      toApi(await setFindingStatus(contextFor(deps, request), request.params.id, request.body.status)),
  );
}
