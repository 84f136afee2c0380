import { z } from 'zod';
import {
  createdTaskSchema,
  stageChangeSchema,
  taskPageSchema,
  taskQueueSchema,
  taskViewSchema,
} from '../../contracts/tasks.ts';
import { stageNameSchema } from '../../domain/pipeline-schema.ts';
import { STAGE_RESULTS } from '../../domain/stages.ts';
import { summarizeJob } from '../../services/steps/jobs.ts';
import { setTaskPaused } from '../../services/task-pause.ts';
import { advanceStage, type StageChange, setStage } from '../../services/task-stages.ts';
import { createTask, getTask, listTasks, taskQueue, updateTask } from '../../services/tasks.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bodyId, idParams, MAX_INT4, nonEmpty, optionalId, paging, priority } from '../schemas.ts';
import { page, toApi } from '../serialize.ts';

const stage = stageNameSchema;
export const version = z
  .number()
  .int()
  .positive()
  .max(MAX_INT4)
  .optional()
  .describe('expected task version; a stale one gets 409');

export function stageChangeJson(change: StageChange): z.input<typeof stageChangeSchema> {
  return {
    task: toApi(change.task),
    from: change.from,
    to: change.to,
    loop_back: change.loopBack,
    job: change.job ? toApi(summarizeJob(change.job)) : null,
    released_task_ids: change.released,
    run_phase: change.runPhase,
  };
}

export function registerTaskRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/tasks/queue',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: "A stage's tasks in live runs, highest priority first",
        querystring: z.object({ run_id: optionalId, stage: stage.default('dev') }),
        response: { 200: taskQueueSchema },
      },
    },
    async (request) => {
      const tasks = await taskQueue(db, { runId: request.query.run_id, stage: request.query.stage });
      return {
        run_id: request.query.run_id ?? null,
        stage: request.query.stage,
        count: tasks.length,
        tasks: toApi(tasks),
      };
    },
  );

  app.get(
    '/api/tasks',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        querystring: z.object({ run_id: optionalId, stage: stage.optional(), ...paging }),
        response: { 200: taskPageSchema },
      },
    },
    async (request) => {
      const { run_id, stage: onlyStage, limit, offset } = request.query;
      return page(await listTasks(db, { runId: run_id, stage: onlyStage, limit, offset }), limit, offset);
    },
  );

  app.post(
    '/api/tasks',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary: 'Add a task to a run; it enters dev unless it waits for its dependencies',
        body: z.object({
          run_id: bodyId,
          title: nonEmpty(300),
          description: z.string().max(20_000).optional(),
          priority: priority.optional(),
          acceptance: z.array(z.string().max(2000)).max(100).optional(),
          files: z.array(z.string().max(1000)).max(500).optional(),
          depends_on: z.array(bodyId).max(200).optional(),
        }),
        response: { 201: createdTaskSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { task, job } = await createTask(contextFor(deps, request), {
        runId: body.run_id,
        title: body.title,
        description: body.description,
        priority: body.priority,
        acceptance: body.acceptance,
        files: body.files,
        dependsOn: body.depends_on,
      });
      reply.code(201);
      return { ...toApi(await getTask(db, task.id)), job: job ? toApi(summarizeJob(job)) : null };
    },
  );

  app.get(
    '/api/tasks/:id',
    {
      config: { permission: 'read' },
      schema: { tags: ['tasks'], params: idParams, response: { 200: taskViewSchema } },
    },
    async (request) => toApi(await getTask(db, request.params.id)),
  );

  app.patch(
    '/api/tasks/:id',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        params: idParams,
        body: z.object({
          title: nonEmpty(300).optional(),
          description: z.string().max(20_000).optional(),
          priority: priority.optional(),
          acceptance: z.array(z.string().max(2000)).max(100).optional(),
          files: z.array(z.string().max(1000)).max(500).optional(),
          depends_on: z.array(bodyId).max(200).optional(),
          version,
        }),
        response: { 200: taskViewSchema },
      },
    },
    async (request) => {
      const { depends_on, ...rest } = request.body;
      await updateTask(contextFor(deps, request), request.params.id, { ...rest, dependsOn: depends_on });
      return toApi(await getTask(db, request.params.id));
    },
  );

  app.post(
    '/api/tasks/:id/advance-stage',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary: 'Pass advances the task one stage; fail sends it back to dev and counts a loop-back',
        params: idParams,
        body: z.object({ result: z.enum(STAGE_RESULTS), notes: z.string().max(20_000).optional(), version }),
        response: { 200: stageChangeSchema },
      },
    },
    async (request) =>
      stageChangeJson(await advanceStage(contextFor(deps, request), request.params.id, request.body)),
  );

  app.post(
    '/api/tasks/:id/set-stage',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary: "Set a task's stage directly",
        params: idParams,
        body: z.object({ stage, version }),
        response: { 200: stageChangeSchema },
      },
    },
    async (request) =>
      stageChangeJson(await setStage(contextFor(deps, request), request.params.id, request.body)),
  );

  for (const [action, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/api/tasks/:id/${action}`,
      {
        config: { permission: 'operate' },
        schema: {
          tags: ['tasks'],
          summary: paused
            ? 'Pause one task: its queued jobs are held until it resumes'
            : 'Resume a paused task: its held jobs are queued again (unless its run is paused)',
          params: idParams,
          response: { 200: taskViewSchema },
        },
      },
      async (request) => {
        await setTaskPaused(contextFor(deps, request), request.params.id, paused);
        return toApi(await getTask(db, request.params.id));
      },
    );
  }
}
