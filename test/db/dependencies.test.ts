/**
 * Task dependencies through the services: a waiting task has no job, the completion of its last dependency
 * releases it into dev in the same transaction, and a bad dependency set is refused without any change.
 */
import { asc, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs, taskDependencies, tasks } from '../../src/db/schema.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { advanceStage, type StageChange, setStage } from '../../src/services/task-stages.ts';
import { createTask, updateTask } from '../../src/services/tasks.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  projectId = (await createProject(ctx, { name: 'deps', repository: '/repo/deps' })).id;
});
afterAll(async () => database.close());

async function newRun(): Promise<number> {
  return (await createRun(ctx, { projectId, goal: 'dependencies', skipPlanning: true })).run.id;
}

async function newTask(runId: number, title: string, dependsOn: number[] = []): Promise<number> {
  return (await createTask(ctx, { runId, title, dependsOn })).task.id;
}

async function taskRow(taskId: number) {
  const [row] = await database.db.select().from(tasks).where(eq(tasks.id, taskId));
  return row!;
}

function jobsOf(taskId: number) {
  return database.db.select().from(jobs).where(eq(jobs.taskId, taskId)).orderBy(asc(jobs.id));
}

async function dependenciesOf(taskId: number): Promise<number[]> {
  const rows = await database.db
    .select({ on: taskDependencies.dependsOnTaskId })
    .from(taskDependencies)
    .where(eq(taskDependencies.taskId, taskId))
    .orderBy(asc(taskDependencies.dependsOnTaskId));
  return rows.map((row) => row.on);
}

async function eventCount(): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(events);
  return row!.n;
}

/** Passes a task through dev, qa, sec and docs; returns the completing change. */
async function complete(taskId: number): Promise<StageChange> {
  let change: StageChange | null = null;
  for (let i = 0; i < 4; i++) change = await advanceStage(ctx, taskId, { result: 'pass' });
  expect(change!.to).toBe('complete');
  return change!;
}

/** Everything a refused dependency change could have touched. */
async function stateOf(taskId: number) {
  return {
    task: await taskRow(taskId),
    dependsOn: await dependenciesOf(taskId),
    jobs: await jobsOf(taskId),
    events: await eventCount(),
  };
}

async function expectRefused(
  taskId: number,
  call: () => Promise<unknown>,
  error: { code: string; status: number },
): Promise<void> {
  const before = await stateOf(taskId);
  await expect(call()).rejects.toMatchObject(error);
  expect(await stateOf(taskId)).toEqual(before);
}

describe('waiting and release', () => {
  it('keeps a task with unfinished dependencies at none without a job', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const created = await createTask(ctx, { runId, title: 'waits', dependsOn: [first] });
    expect(created.job).toBeNull();
    expect(created.task.pipelineStage).toBe('none');
    expect((await taskRow(created.task.id)).pipelineStage).toBe('none');
    expect(await jobsOf(created.task.id)).toEqual([]);
    expect(await dependenciesOf(created.task.id)).toEqual([first]);
  });

  it('releases the waiting task into dev with one dev job when its last dependency completes', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const waiting = await newTask(runId, 'waits', [first]);
    for (let i = 0; i < 3; i++) await advanceStage(ctx, first, { result: 'pass' });
    expect((await taskRow(waiting)).pipelineStage).toBe('none');

    const eventsBefore = await eventCount();
    const change = await advanceStage(ctx, first, { result: 'pass' });
    expect(change.to).toBe('complete');
    expect(change.released).toEqual([waiting]);
    expect(await eventCount()).toBe(eventsBefore + 1);

    const [event] = await database.db.select().from(events).orderBy(desc(events.id)).limit(1);
    expect(event).toMatchObject({ type: 'task.stage_advanced', taskId: first, actor: 'test' });
    expect(event!.payload).toMatchObject({ to: 'complete', released_task_ids: [waiting] });

    const released = await taskRow(waiting);
    expect(released.pipelineStage).toBe('dev');
    const waitingJobs = await jobsOf(waiting);
    expect(waitingJobs).toHaveLength(1);
    expect(waitingJobs[0]).toMatchObject({ kind: 'stage', stage: 'dev', role: 'dev', state: 'held' });
  });

  it('releases nothing while one of two dependencies is unfinished', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const second = await newTask(runId, 'second');
    const waiting = await newTask(runId, 'waits for both', [first, second]);

    expect((await complete(first)).released).toEqual([]);
    expect((await taskRow(waiting)).pipelineStage).toBe('none');
    expect(await jobsOf(waiting)).toEqual([]);

    expect((await complete(second)).released).toEqual([waiting]);
    expect((await taskRow(waiting)).pipelineStage).toBe('dev');
    expect(await jobsOf(waiting)).toHaveLength(1);
  });

  it('lets a task depending only on complete tasks enter dev at once', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    await newTask(runId, 'keeps the run building');
    await complete(first);
    const created = await createTask(ctx, { runId, title: 'free', dependsOn: [first] });
    expect(created.task.pipelineStage).toBe('dev');
    expect(created.job).toMatchObject({ stage: 'dev', state: 'held' });
  });
});

describe('refused dependency sets', () => {
  it('refuses a two-task cycle and changes nothing', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const second = await newTask(runId, 'second', [first]);
    await expectRefused(first, () => updateTask(ctx, first, { dependsOn: [second] }), {
      code: 'WH_DEPENDENCY_CYCLE',
      status: 400,
    });
    expect(await dependenciesOf(first)).toEqual([]);
  });

  it('refuses a longer cycle through existing dependencies', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const second = await newTask(runId, 'second', [first]);
    const third = await newTask(runId, 'third', [second]);
    await expectRefused(first, () => updateTask(ctx, first, { title: 'renamed', dependsOn: [third] }), {
      code: 'WH_DEPENDENCY_CYCLE',
      status: 400,
    });
    expect((await taskRow(first)).title).toBe('first');
  });

  it('refuses a self-dependency', async () => {
    const runId = await newRun();
    const task = await newTask(runId, 'alone');
    await expectRefused(task, () => updateTask(ctx, task, { dependsOn: [task] }), {
      code: 'WH_DEPENDENCY_CYCLE',
      status: 400,
    });
  });

  it('refuses a dependency on a task of another run', async () => {
    const otherTask = await newTask(await newRun(), 'elsewhere');
    const runId = await newRun();
    const task = await newTask(runId, 'here');
    await expectRefused(task, () => updateTask(ctx, task, { dependsOn: [otherTask] }), {
      code: 'WH_FOREIGN_DEPENDENCY',
      status: 400,
    });
    const eventsBefore = await eventCount();
    await expect(createTask(ctx, { runId, title: 'foreign', dependsOn: [otherTask] })).rejects.toMatchObject({
      code: 'WH_FOREIGN_DEPENDENCY',
      status: 400,
    });
    expect(await eventCount()).toBe(eventsBefore);
    expect(await database.db.select().from(tasks).where(eq(tasks.runId, runId))).toHaveLength(1);
  });
});

describe('blocked tasks', () => {
  it('refuses to set a blocked task to dev', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const waiting = await newTask(runId, 'waits', [first]);
    await expectRefused(waiting, () => setStage(ctx, waiting, { stage: 'dev' }), {
      code: 'WH_TASK_BLOCKED',
      status: 409,
    });
    await expectRefused(waiting, () => advanceStage(ctx, waiting, { result: 'pass' }), {
      code: 'WH_TASK_BLOCKED',
      status: 409,
    });
  });

  it('sends a task in qa back to none and cancels its job when it gains an unfinished dependency', async () => {
    const runId = await newRun();
    const first = await newTask(runId, 'first');
    const reviewed = await newTask(runId, 'in review');
    const { job: qaJob } = await advanceStage(ctx, reviewed, { result: 'pass' });
    expect(qaJob).toMatchObject({ stage: 'qa', state: 'held' });

    const updated = await updateTask(ctx, reviewed, { dependsOn: [first] });
    expect(updated.pipelineStage).toBe('none');
    expect((await taskRow(reviewed)).pipelineStage).toBe('none');
    const reviewedJobs = await jobsOf(reviewed);
    expect(reviewedJobs.find((job) => job.id === qaJob!.id)?.state).toBe('cancelled');
    expect(reviewedJobs.filter((job) => ['held', 'queued', 'running'].includes(job.state))).toEqual([]);

    expect((await complete(first)).released).toEqual([reviewed]);
    expect((await taskRow(reviewed)).pipelineStage).toBe('dev');
  });
});
