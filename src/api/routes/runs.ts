import { z } from 'zod';
import {
  createdRunSchema,
  killedRunSchema,
  runBranchesSchema,
  runPageSchema,
  runViewSchema,
  taskProgressSchema,
  timelineSchema,
  triggeredAgentSchema,
  triggeredPipelineSchema,
} from '../../contracts/runs.ts';
import { boardSchema } from '../../contracts/tasks.ts';
import { ROLE_NAMES } from '../../domain/roles.ts';
import { RUN_PHASES } from '../../domain/run-phases.ts';
import { runGitNames } from '../../services/run-git-names.ts';
import { runTimeline } from '../../services/run-timeline.ts';
import { createRun, getRun, killRun, listRuns, setPaused, taskProgress } from '../../services/runs.ts';
import { summarizeJob } from '../../services/steps/jobs.ts';
import { listBoardTasks } from '../../services/tasks.ts';
import { DEFAULT_PIPELINE_ITERATIONS, triggerAgent, triggerPipeline } from '../../services/triggers.ts';
import { readRunBranches } from '../../worker/run-branches.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bodyId, idParams, nonEmpty, optionalBody, optionalId, paging, queryBoolean } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

export function registerRunRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/runs',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['runs'],
        summary: 'Runs, newest first; killed runs only with include_killed=true',
        querystring: z.object({
          project_id: optionalId,
          phase: z.enum(RUN_PHASES).optional(),
          include_killed: queryBoolean.default(false),
          ...paging,
        }),
        response: { 200: runPageSchema },
      },
    },
    async (request) => {
      const { project_id, phase, include_killed, limit, offset } = request.query;
      const result = await listRuns(db, {
        projectId: project_id,
        phase,
        includeKilled: include_killed,
        limit,
        offset,
      });
      return page(result, limit, offset);
    },
  );

  app.post(
    '/api/runs',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['runs'],
        summary: 'Start a run with a goal; the PM plans it unless skip_planning is set',
        body: z.object({
          project_id: bodyId,
          goal: nonEmpty(20_000),
          skip_planning: z.boolean().default(false),
        }),
        response: { 201: createdRunSchema },
      },
    },
    async (request, reply) => {
      const { run, job } = await createRun(contextFor(deps, request), {
        projectId: request.body.project_id,
        goal: request.body.goal,
        skipPlanning: request.body.skip_planning,
      });
      reply.code(201);
      return { ...toApi(await getRun(db, run.id)), job: job ? toApi(summarizeJob(job)) : null };
    },
  );

  app.get(
    '/api/runs/:id',
    {
      config: { permission: 'read' },
      schema: { tags: ['runs'], params: idParams, response: { 200: runViewSchema } },
    },
    async (request) => toApi(await getRun(db, request.params.id)),
  );

  app.get(
    '/api/runs/:id/task-progress',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['runs'],
        summary: 'Task count per stage, total, complete and percent',
        params: idParams,
        response: { 200: taskProgressSchema },
      },
    },
    async (request) => toApi(await taskProgress(db, request.params.id)),
  );

  app.get(
    '/api/runs/:id/board',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['runs'],
        summary:
          "Every task of the run, by id, with only what the run board shows (its outcome's jobs in brief); " +
          'GET /api/tasks/:id has the rest',
        params: idParams,
        response: { 200: boardSchema },
      },
    },
    async (request) => ({ items: toApi(await listBoardTasks(db, request.params.id)) }),
  );

  app.get(
    '/api/runs/:id/phases',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['runs'],
        summary: "The run's timeline: every phase it entered, from which, and when, oldest first",
        params: idParams,
        response: { 200: timelineSchema },
      },
    },
    async (request) => toApi(await runTimeline(db, request.params.id)),
  );

  app.get(
    '/api/runs/:id/branches',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['runs'],
        summary:
          "The run's branch and its tasks' branches (whether each exists, its head), and the refs keeping " +
          'work no branch holds (work in progress, changes set aside), read from the repository',
        params: idParams,
        response: { 200: runBranchesSchema },
      },
    },
    async (request) => toApi(await readRunBranches(await runGitNames(db, request.params.id), deps.dataDir)),
  );

  app.post(
    '/api/runs/:id/kill',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['runs'],
        summary: 'Soft-delete a run and cancel its jobs',
        params: idParams,
        response: { 200: killedRunSchema },
      },
    },
    async (request) => {
      const { run, cancelledJobIds } = await killRun(contextFor(deps, request), request.params.id);
      return { run: toApi(run), cancelled_job_ids: cancelledJobIds };
    },
  );

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/api/runs/:id/${action}`,
      {
        config: { permission: 'operate' },
        schema: { tags: ['runs'], params: idParams, response: { 200: runViewSchema } },
      },
      async (request) => {
        await setPaused(contextFor(deps, request), request.params.id, paused);
        return toApi(await getRun(db, request.params.id));
      },
    );
  }

  app.post(
    '/api/runs/:id/trigger-agent',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['runs'],
        summary: "Release the run's held jobs, of one role if given",
        params: idParams,
        body: optionalBody(z.object({ role: z.enum(ROLE_NAMES).optional() })),
        response: { 200: triggeredAgentSchema },
      },
    },
    async (request) => {
      const result = await triggerAgent(
        contextFor(deps, request),
        request.params.id,
        request.body.role ?? null,
      );
      return { run_id: result.runId, role: result.role, released_job_ids: result.releasedJobIds };
    },
  );

  app.post(
    '/api/runs/:id/trigger-pipeline',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['runs'],
        summary: 'Release held jobs and let the run advance on its own for max_iterations stage transitions',
        params: idParams,
        body: optionalBody(
          z.object({
            max_iterations: z.number().int().min(1).max(1000).default(DEFAULT_PIPELINE_ITERATIONS),
          }),
        ),
        response: { 200: triggeredPipelineSchema },
      },
    },
    async (request) => {
      const result = await triggerPipeline(
        contextFor(deps, request),
        request.params.id,
        request.body.max_iterations,
      );
      return {
        run_id: result.runId,
        max_iterations: result.maxIterations,
        released_job_ids: result.releasedJobIds,
      };
    },
  );
}
