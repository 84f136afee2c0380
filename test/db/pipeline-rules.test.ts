/**
 * The pipeline's rules as the services apply them: held or queued jobs, triggers, loop-backs, run phases,
 * kill and pause, and versioned role configs.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs, roleConfigs, runs, tasks } from '../../src/db/schema.ts';
import type { RoleName } from '../../src/domain/roles.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { installationId } from '../../src/services/installation.ts';
import { createProject } from '../../src/services/projects.ts';
import {
  activateRoleVersion,
  saveRoleConfig,
  seedDefaultRoleConfigs,
} from '../../src/services/role-configs.ts';
import { createRun, killRun, setPaused } from '../../src/services/runs.ts';
import type { Job } from '../../src/services/steps/jobs.ts';
import { advanceStage, setStage } from '../../src/services/task-stages.ts';
import { createTask, updateTask } from '../../src/services/tasks.ts';
import { triggerAgent, triggerPipeline } from '../../src/services/triggers.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let projectId: number;

const contextFor = (autoTriggerAgents: boolean): ServiceContext => ({
  db: database.db,
  settings: { autoTriggerAgents },
  actor: 'test',
});
let ctx: ServiceContext;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = contextFor(false);
  projectId = (await createProject(ctx, { name: 'rules', repository: '/repo/rules' })).id;
});
afterAll(async () => database.close());

async function newRun(skipPlanning = true): Promise<number> {
  return (await createRun(ctx, { projectId, goal: 'rules', skipPlanning })).run.id;
}

async function newTask(runId: number, title = 'task', context = ctx): Promise<number> {
  return (await createTask(context, { runId, title })).task.id;
}

async function pass(taskId: number, times = 1, context = ctx): Promise<Job | null> {
  let job: Job | null = null;
  for (let i = 0; i < times; i++) job = (await advanceStage(context, taskId, { result: 'pass' })).job;
  return job;
}

function jobsOfRun(runId: number): Promise<Job[]> {
  return database.db.select().from(jobs).where(eq(jobs.runId, runId)).orderBy(asc(jobs.id));
}

async function jobRow(jobId: number): Promise<Job> {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  return row!;
}

async function runRow(runId: number) {
  const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
  return row!;
}

async function taskRow(taskId: number) {
  const [row] = await database.db.select().from(tasks).where(eq(tasks.id, taskId));
  return row!;
}

const stateOf = async (jobId: number) => (await jobRow(jobId)).state;

describe('held and queued jobs', () => {
  it.each([
    [false, 'held'],
    [true, 'queued'],
  ] as const)('with autoTriggerAgents %s a new stage job is %s', async (auto, state) => {
    const context = contextFor(auto);
    const runId = await newRun();
    const { job: devJob } = await createTask(context, { runId, title: 'task' });
    expect(devJob).toMatchObject({ kind: 'stage', stage: 'dev', role: 'dev', state });
    const qaJob = await pass(devJob!.taskId!, 1, context);
    expect(await jobRow(qaJob!.id)).toMatchObject({ stage: 'qa', role: 'qa', state });
  });

  it('triggerAgent releases only the named role and refuses when nothing of it is held', async () => {
    const runId = await newRun();
    const devTask = await newTask(runId, 'in dev');
    const qaJob = await pass(await newTask(runId, 'in qa'));
    const [devJob] = await jobsOfRun(runId);

    const released = await triggerAgent(ctx, runId, 'qa');
    expect(released.releasedJobIds).toEqual([qaJob!.id]);
    expect(await stateOf(qaJob!.id)).toBe('queued');
    expect(devJob).toMatchObject({ taskId: devTask, state: 'held' });
    expect(await stateOf(devJob!.id)).toBe('held');

    await expect(triggerAgent(ctx, runId, 'sec')).rejects.toMatchObject({
      code: 'WH_NOTHING_TO_TRIGGER',
      status: 409,
    });
    expect((await triggerAgent(ctx, runId, null)).releasedJobIds).toEqual([devJob!.id]);
    await expect(triggerAgent(ctx, runId, null)).rejects.toMatchObject({
      code: 'WH_NOTHING_TO_TRIGGER',
      status: 409,
    });
  });

  it('triggerPipeline releases held jobs, then queues exactly the next n stage entries', async () => {
    const runId = await newRun();
    const taskId = await newTask(runId);
    const [devJob] = await jobsOfRun(runId);
    expect(devJob!.state).toBe('held');

    const triggered = await triggerPipeline(ctx, runId, 2);
    expect(triggered.releasedJobIds).toEqual([devJob!.id]);
    expect(await stateOf(devJob!.id)).toBe('queued');

    expect(await pass(taskId)).toMatchObject({ stage: 'qa', state: 'queued' });
    expect(await pass(taskId)).toMatchObject({ stage: 'sec', state: 'queued' });
    expect(await pass(taskId)).toMatchObject({ stage: 'docs', state: 'held' });
    expect((await runRow(runId)).autoAdvanceRemaining).toBe(0);
  });
});

describe('stage rules', () => {
  it.each([
    ['qa', 1],
    ['sec', 2],
    ['docs', 3],
  ] as const)('a failed %s returns the task to dev and counts a loop-back', async (stage, passes) => {
    const runId = await newRun();
    const taskId = await newTask(runId);
    const reviewJob = await pass(taskId, passes);
    expect(reviewJob!.stage).toBe(stage);

    const change = await advanceStage(ctx, taskId, { result: 'fail', notes: 'found a bug' });
    expect(change).toMatchObject({ from: stage, to: 'dev', loopBack: true });
    const task = await taskRow(taskId);
    expect(task).toMatchObject({ pipelineStage: 'dev', loopBacks: 1 });
    expect(task.notes).toContain('found a bug');
    expect(await stateOf(reviewJob!.id)).toBe('cancelled');
    expect(change.job).toMatchObject({ stage: 'dev', role: 'dev', state: 'held' });
  });

  it('completing the last task of a building run moves it to testing with one integration test job', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const second = await newTask(runId, 'second');
    expect((await advanceStage(ctx, first, { result: 'pass' })).runPhase).toBe('building');
    await setStage(ctx, first, { stage: 'complete' });
    expect((await runRow(runId)).phase).toBe('building');

    await pass(second, 3);
    const change = await advanceStage(ctx, second, { result: 'pass' });
    expect(change).toMatchObject({ to: 'complete', runPhase: 'testing' });
    expect((await runRow(runId)).phase).toBe('testing');
    const integration = (await jobsOfRun(runId)).filter((job) => job.kind === 'integration_test');
    expect(integration).toHaveLength(1);
    expect(integration[0]).toMatchObject({ role: 'qa', taskId: null, state: 'held' });

    // A run being tested takes no more task work: no stage is advanced or set, and nothing is written.
    for (const attempt of [
      () => advanceStage(ctx, second, { result: 'fail' }),
      () => setStage(ctx, second, { stage: 'dev' }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'WH_RUN_NOT_ACTIVE', status: 409 });
    }
    expect(await taskRow(second)).toMatchObject({ pipelineStage: 'complete', loopBacks: 0 });
  });

  it("records a set stage's new job in its event", async () => {
    const runId = await newRun();
    const taskId = await newTask(runId);
    const change = await setStage(ctx, taskId, { stage: 'sec' });
    expect(change.job).toMatchObject({ stage: 'sec', state: 'held' });
    const [event] = await database.db
      .select({ jobId: events.jobId, payload: events.payload })
      .from(events)
      .where(and(eq(events.type, 'task.stage_set'), eq(events.taskId, taskId)));
    expect(event).toMatchObject({
      jobId: change.job!.id,
      payload: { from: 'dev', to: 'sec', job_id: change.job!.id },
    });
  });
});

describe('runs', () => {
  it('createRun without skipPlanning starts planning with one pm job on branch wh/<installation>/run-<id>', async () => {
    const { run, job } = await createRun(ctx, { projectId, goal: 'plan' });
    const branch = `wh/${await installationId(ctx.db)}/run-${run.id}`;
    expect(branch).toMatch(/^wh\/[0-9a-f]{8}\/run-\d+$/);
    expect(run).toMatchObject({ phase: 'planning', branch });
    expect(await runRow(run.id)).toMatchObject({ phase: 'planning', branch });
    const runJobs = await jobsOfRun(run.id);
    expect(runJobs).toHaveLength(1);
    expect(runJobs[0]).toMatchObject({
      id: job!.id,
      kind: 'planning',
      role: 'pm',
      taskId: null,
      state: 'held',
    });
  });

  it('createRun with skipPlanning starts building without a job', async () => {
    const { run, job } = await createRun(ctx, { projectId, goal: 'build', skipPlanning: true });
    expect(job).toBeNull();
    expect(run).toMatchObject({
      phase: 'building',
      branch: `wh/${await installationId(ctx.db)}/run-${run.id}`,
    });
    expect(await jobsOfRun(run.id)).toEqual([]);
  });

  it('killRun cancels held and queued jobs and refuses further task changes', async () => {
    const runId = await newRun();
    const { task, job: held } = await createTask(ctx, { runId, title: 'held' });
    const taskId = task.id;
    const queued = await pass(await newTask(runId, 'queued'));
    await triggerAgent(ctx, runId, 'qa');
    expect(await stateOf(queued!.id)).toBe('queued');

    const { run, cancelledJobIds } = await killRun(ctx, runId);
    expect(run.phase).toBe('killed');
    expect(run.killedAt).not.toBeNull();
    expect(cancelledJobIds.sort((a, b) => a - b)).toEqual([held!.id, queued!.id]);
    for (const jobId of cancelledJobIds) expect(await jobRow(jobId)).toMatchObject({ state: 'cancelled' });
    expect((await jobsOfRun(runId)).filter((job) => job.state !== 'cancelled')).toEqual([]);

    const killed = { code: 'WH_RUN_KILLED', status: 409 };
    await expect(createTask(ctx, { runId, title: 'late' })).rejects.toMatchObject(killed);
    await expect(advanceStage(ctx, taskId, { result: 'pass' })).rejects.toMatchObject(killed);
    await expect(setStage(ctx, taskId, { stage: 'qa' })).rejects.toMatchObject(killed);
    await expect(updateTask(ctx, taskId, { title: 'late' })).rejects.toMatchObject(killed);
    expect(await taskRow(taskId)).toMatchObject({ pipelineStage: 'dev', title: 'held' });
  });

  it('pause holds queued jobs without losing any, and resume queues exactly those again', async () => {
    const runId = await newRun();
    await newTask(runId, 'held');
    await pass(await newTask(runId, 'queued'));
    await triggerAgent(ctx, runId, 'qa');
    const before = await jobsOfRun(runId);
    expect(before.map((job) => job.state).sort()).toEqual(['cancelled', 'held', 'queued']);
    const queuedId = before.find((job) => job.state === 'queued')!.id;

    expect((await setPaused(ctx, runId, true)).paused).toBe(true);
    expect((await runRow(runId)).paused).toBe(true);
    const paused = await jobsOfRun(runId);
    expect(paused.map((job) => job.id)).toEqual(before.map((job) => job.id));
    expect(paused.find((job) => job.id === queuedId)).toMatchObject({ state: 'held', heldByPause: true });
    expect(paused.filter((job) => job.id !== queuedId)).toEqual(before.filter((job) => job.id !== queuedId));

    expect((await setPaused(ctx, runId, false)).paused).toBe(false);
    expect((await runRow(runId)).paused).toBe(false);
    const resumed = await jobsOfRun(runId);
    expect(resumed.map(({ updatedAt: _u, ...job }) => job)).toEqual(
      before.map(({ updatedAt: _u, ...job }) => job),
    );
  });
});

describe('role configs', () => {
  async function versions(role: RoleName, scope: number): Promise<{ version: number; active: boolean }[]> {
    return database.db
      .select({ version: roleConfigs.version, active: roleConfigs.active })
      .from(roleConfigs)
      .where(and(eq(roleConfigs.role, role), eq(roleConfigs.projectId, scope)))
      .orderBy(asc(roleConfigs.version));
  }

  it('saving makes version n+1 the only active one; activating an older version rolls back', async () => {
    const scope = (await createProject(ctx, { name: 'roles', repository: '/repo/roles' })).id;
    for (const prompt of ['one', 'two', 'three'])
      await saveRoleConfig(ctx, 'qa', { prompt, projectId: scope });
    expect(await versions('qa', scope)).toEqual([
      { version: 1, active: false },
      { version: 2, active: false },
      { version: 3, active: true },
    ]);

    expect(await activateRoleVersion(ctx, 'qa', 1, scope)).toMatchObject({ version: 1, prompt: 'one' });
    expect((await versions('qa', scope)).filter((row) => row.active)).toEqual([{ version: 1, active: true }]);

    expect((await saveRoleConfig(ctx, 'qa', { prompt: 'four', projectId: scope })).version).toBe(4);
    expect((await versions('qa', scope)).filter((row) => row.active)).toEqual([{ version: 4, active: true }]);
    await expect(activateRoleVersion(ctx, 'qa', 9, scope)).rejects.toMatchObject({
      code: 'WH_ROLE_CONFIG_NOT_FOUND',
      status: 404,
    });
  });

  it('seedDefaultRoleConfigs creates the seven global roles once', async () => {
    const roles = ['pm', 'dev', 'qa', 'sec', 'docs', 'director', 'cicd'];
    expect(await seedDefaultRoleConfigs(ctx)).toEqual(roles);
    const rows = await database.db.select().from(roleConfigs).where(isNull(roleConfigs.projectId));
    expect(rows.map((row) => row.role).sort()).toEqual([...roles].sort());
    for (const row of rows) expect(row).toMatchObject({ version: 1, active: true });
    expect(await seedDefaultRoleConfigs(ctx)).toEqual([]);
  });
});
