/**
 * Projects with pipelines of their own, end to end (PGlite and PostgreSQL): a real git repository, the
 * scripted backend, an in-process worker. One project adds a stage of its own between SEC and DOCS (a
 * command, no agent) that first fails and sends the task back to DEV; one drops DOCS, so SEC merges. Both
 * runs reach testing. Through the API: a bad pipeline is a 400 naming the problem and changes nothing, a
 * run keeps the pipeline it started with, and a task cannot be set to a stage its run does not have.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, projects } from '../../src/db/schema.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { git } from '../../src/worker/git.ts';
import {
  type AgentWorld,
  runEvents,
  runJobs,
  runTasks,
  type Step,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { FIX_SUM, PLAN_SUM_ONLY, SUM_TEST } from '../support/agents-recipe.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
});

afterAll(async () => {
  await world?.close();
});

const pass = (file: string) => ({
  report: { file, content: { status: 'pass', summary: 'ok', findings: [] } },
});
const DEV_SUM: Step = {
  role: 'dev',
  task: 'sum',
  actions: [
    { write: { path: 'src/sum.js', content: FIX_SUM } },
    { write: { path: 'test/sum.test.js', content: SUM_TEST } },
  ],
};

async function untilTesting(runId: number): Promise<void> {
  await waitFor(
    'the run to reach testing',
    async () =>
      ['testing', 'ready_for_commit', 'awaiting_approval'].includes(
        (await getRun(world.database.db, runId)).phase,
      ),
    60_000,
  );
}

async function stageMoves(runId: number) {
  return (await runEvents(world.database, runId))
    .filter((event) => event.type === 'task.stage_result')
    .map((event) => [event.payload.from, event.payload.to, event.payload.result]);
}

describe('a project pipeline', () => {
  it('runs a stage of its own between SEC and DOCS: its command judges, a failure goes back to DEV', async () => {
    const projectId = await world.project(
      'own-stage',
      [
        PLAN_SUM_ONLY,
        DEV_SUM,
        { role: 'dev', task: 'sum', actions: [{ write: { path: 'LICENSE', content: 'MIT\n' } }] },
        { role: 'qa', task: 'sum', actions: [{ run: 'npm test' }, pass('bugs.json')] },
        { role: 'qa', task: 'sum', actions: [{ run: 'npm test' }, pass('bugs.json')] },
        { role: 'sec', task: 'sum', actions: [pass('security_report.json')] },
        { role: 'sec', task: 'sum', actions: [pass('security_report.json')] },
        {
          role: 'docs',
          task: 'sum',
          actions: [
            { write: { path: 'README.md', content: '# demo\n\nsum(a, b)\n' } },
            pass('docs_report.json'),
          ],
        },
      ],
      {
        pipeline: [
          'dev',
          'qa',
          'sec',
          { stage: 'licence', title: 'Licence', command: 'test -f LICENSE' },
          'docs',
        ],
      },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add sum, with a licence' });
    await untilTesting(run.id);

    expect(await stageMoves(run.id)).toEqual([
      ['dev', 'qa', 'pass'],
      ['qa', 'sec', 'pass'],
      ['sec', 'licence', 'pass'],
      ['licence', 'dev', 'fail'],
      ['dev', 'qa', 'pass'],
      ['qa', 'sec', 'pass'],
      ['sec', 'licence', 'pass'],
      ['licence', 'docs', 'pass'],
      ['docs', 'complete', 'pass'],
    ]);
    const [task] = await runTasks(world.database, run.id);
    const [finding] = await world.database.db.select().from(findings).where(eq(findings.taskId, task!.id));
    expect(finding).toMatchObject({ source: 'gate', severity: 'high', status: 'fixed' });
    expect(finding!.issue).toMatch(/^licence gate failed: `test -f LICENSE` exited 1/);

    // The command stage ran no agent; every other stage did.
    const licenceJobs = (await runJobs(world.database, run.id)).filter((job) => job.stage === 'licence');
    expect(licenceJobs).toHaveLength(2);
    for (const job of licenceJobs) {
      expect(job).toMatchObject({ state: 'succeeded', backend: null, inputTokens: null });
      expect(job.log ?? '').not.toContain('[workhorse] scripted as');
    }
    expect((await getRun(world.database.db, run.id)).progress.byStage).toEqual({
      none: 0,
      dev: 0,
      qa: 0,
      sec: 0,
      licence: 0,
      docs: 0,
      complete: 1,
    });
    expect(await git(world.repo, ['show', `${run.branch}:LICENSE`])).toBe('MIT');
  });

  it('without DOCS: SEC is the last stage, and passing it merges the task', async () => {
    const projectId = await world.project(
      'no-docs',
      [
        PLAN_SUM_ONLY,
        DEV_SUM,
        { role: 'qa', task: 'sum', actions: [{ run: 'npm test' }, pass('bugs.json')] },
        { role: 'sec', task: 'sum', actions: [pass('security_report.json')] },
      ],
      { pipeline: ['dev', 'qa', 'sec'] },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add sum, no docs' });
    await untilTesting(run.id);

    expect(await stageMoves(run.id)).toEqual([
      ['dev', 'qa', 'pass'],
      ['qa', 'sec', 'pass'],
      ['sec', 'complete', 'pass'],
    ]);
    const stages = (await runJobs(world.database, run.id)).map((job) => job.stage ?? job.kind);
    expect(stages).not.toContain('docs');
    expect(await git(world.repo, ['show', `${run.branch}:src/sum.js`])).toBe(FIX_SUM.trimEnd());
    expect(Object.keys((await getRun(world.database.db, run.id)).progress.byStage)).toEqual([
      'none',
      'dev',
      'qa',
      'sec',
      'complete',
    ]);
  });
});

describe('a project pipeline through the API', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  async function post(url: string, payload: unknown) {
    return api.app.inject({ method: 'POST', url, headers: api.auth(), payload: payload as object });
  }

  it('refuses a pipeline that does not start with DEV, or reuses a name, with a 400 that says where', async () => {
    for (const [pipeline, path, message] of [
      [['qa', 'dev'], 'body.settings.pipeline.0', 'the pipeline starts with dev'],
      [['dev', { stage: 'qa', command: 'true' }], 'body.settings.pipeline.1.stage', 'qa is taken'],
      [['dev', 'review'], 'body.settings.pipeline.1', ''],
    ] as const) {
      const response = await post('/api/projects', {
        name: `bad-${path}`,
        repository: scratchRepository(),
        settings: { pipeline },
      });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<{ error: { code: string; message: string; details: unknown } }>();
      expect(error.code).toBe('WH_VALIDATION_FAILED');
      expect(JSON.stringify(error)).toContain(path);
      expect(error.message).toContain(message);
    }
    expect(await api.database.db.select().from(projects)).toEqual([]);
  });

  it("keeps a run's pipeline when the project's changes, and sets only the run's stages", async () => {
    const created = await post('/api/projects', {
      name: 'evolving',
      repository: scratchRepository(),
      settings: { pipeline: ['dev', { stage: 'smoke', command: 'make smoke' }] },
    });
    expect(created.statusCode).toBe(201);
    const projectId = created.json<{ id: number }>().id;
    const run = await post('/api/runs', { project_id: projectId, goal: 'g', skip_planning: true });
    const runId = run.json<{ id: number }>().id;
    const patched = await api.app.inject({
      method: 'PATCH',
      url: `/api/projects/${projectId}`,
      headers: api.auth(),
      payload: { settings: { pipeline: ['dev', 'qa'] } },
    });
    expect(patched.statusCode).toBe(200);

    const task = await post('/api/tasks', { run_id: runId, title: 'a task' });
    const taskId = task.json<{ id: number }>().id;
    const setTo = (stage: string) =>
      api.app.inject({
        method: 'POST',
        url: `/api/tasks/${taskId}/set-stage`,
        headers: api.auth(),
        payload: { stage },
      });
    const toQa = await setTo('qa');
    expect(toQa.statusCode).toBe(409);
    expect(toQa.json<{ error: { message: string } }>().error.message).toContain(
      "stage qa is not in this run's pipeline: none, dev, smoke, complete",
    );
    expect((await setTo('smoke')).statusCode).toBe(200);
    expect((await setTo('Not A Stage')).statusCode).toBe(400);
    const progress = await api.app.inject({ url: `/api/runs/${runId}/task-progress`, headers: api.auth() });
    expect(progress.json<{ by_stage: Record<string, number> }>().by_stage).toEqual({
      none: 0,
      dev: 0,
      smoke: 1,
      complete: 0,
    });
  });
});
