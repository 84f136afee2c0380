import { z } from 'zod';
import { jobDetailSchema, jobPageSchema } from '../../contracts/jobs.ts';
import type { Queryable } from '../../db/client.ts';
import { JOB_STATES } from '../../domain/job-states.ts';
import { jobLogTimes } from '../../services/job-log-times.ts';
import { cancelJob, getJob, listJobs, retryJob } from '../../services/jobs.ts';
import { detailJob, type Job } from '../../services/steps/jobs.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bigIdParams, optionalId, paging } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

/** A job as `GET /api/jobs/{id}` answers: with its verdict and the times of its log's lines. */
async function answerJob(db: Queryable, job: Job) {
  return toApi({ ...detailJob(job), logTimes: await jobLogTimes(db, job.id, job.log.length) });
}

export function registerJobRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/jobs',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['jobs'],
        summary:
          'Jobs, newest first (without their logs), filtered by state, run, task, role, backend or kind',
        querystring: z.object({
          state: z.enum(JOB_STATES).optional(),
          run_id: optionalId,
          task_id: optionalId,
          role: z.string().min(1).max(100).optional(),
          backend: z.string().min(1).max(100).optional(),
          kind: z.string().min(1).max(100).optional(),
          ...paging,
        }),
        response: { 200: jobPageSchema },
      },
    },
    async (request) => {
      const { state, run_id, task_id, role, backend, kind, limit, offset } = request.query;
      return page(
        await listJobs(db, { state, runId: run_id, taskId: task_id, role, backend, kind, limit, offset }),
        limit,
        offset,
      );
    },
  );

  app.get(
    '/api/jobs/:id',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'A job with its log and report',
        params: bigIdParams,
        response: { 200: jobDetailSchema },
      },
    },
    async (request) => answerJob(db, await getJob(db, request.params.id)),
  );

  app.post(
    '/api/jobs/:id/retry',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['jobs'],
        summary: 'Queue a failed, cancelled or dead job again',
        params: bigIdParams,
        response: { 200: jobDetailSchema },
      },
    },
    async (request) => answerJob(db, await retryJob(contextFor(deps, request), request.params.id)),
  );

  app.post(
    '/api/jobs/:id/cancel',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a held, queued or running job',
        params: bigIdParams,
        response: { 200: jobDetailSchema },
      },
    },
    async (request) => answerJob(db, await cancelJob(contextFor(deps, request), request.params.id)),
  );
}
