/**
 * Scheduling by files: a task whose expected files overlap an unfinished task's waits for it (it is never in
 * dev at the same time, and starts from a run branch that holds the other's change), unless the project
 * allows overlapping work. Through the services, on PGlite and PostgreSQL.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, tasks } from '../../src/db/schema.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { setStage } from '../../src/services/task-stages.ts';
import { createTask, getTask } from '../../src/services/tasks.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
});
afterAll(async () => database.close());

async function newRun(name: string, parallelOverlap?: boolean): Promise<number> {
  const project = await createProject(ctx, {
    name,
    repository: `/repo/${name}`,
    settings: parallelOverlap === undefined ? {} : { parallelOverlap },
  });
  return (await createRun(ctx, { projectId: project.id, goal: 'overlap', skipPlanning: true })).run.id;
}

async function newTask(runId: number, title: string, files: string[]) {
  return (await createTask(ctx, { runId, title, files })).task;
}

/** The tasks of a run that are in dev with an open dev job. */
async function inDev(runId: number): Promise<number[]> {
  const rows = await database.db
    .select({ id: tasks.id, state: jobs.state })
    .from(tasks)
    .innerJoin(jobs, eq(jobs.taskId, tasks.id))
    .where(eq(tasks.runId, runId))
    .orderBy(asc(tasks.id));
  const open = rows.filter((row) => ['held', 'queued', 'running'].includes(row.state));
  const stages = await database.db.select().from(tasks).where(eq(tasks.runId, runId));
  const dev = new Set(stages.filter((task) => task.pipelineStage === 'dev').map((task) => task.id));
  return [...new Set(open.map((row) => row.id))].filter((id) => dev.has(id));
}

describe('tasks that share files', () => {
  it('wait for each other: the second is not in dev until the first completes', async () => {
    const runId = await newRun('overlap');
    const first = await newTask(runId, 'edit a and b', ['src/a.js', 'src/b.js']);
    const apart = await newTask(runId, 'edit c', ['src/c.js']);
    const second = await newTask(runId, 'edit b', ['./src/b.js']);
    const folder = await newTask(runId, 'edit everything under src/', ['src/']);
    expect(await inDev(runId)).toEqual([first.id, apart.id]);

    const waiting = await getTask(database.db, second.id);
    expect(waiting).toMatchObject({ pipelineStage: 'none', blockedBy: [first.id], dependsOn: [first.id] });
    expect(waiting.notes).toContain(`waits for task ${first.id}: both change src/b.js`);
    expect((await getTask(database.db, folder.id)).blockedBy).toEqual([first.id, apart.id, second.id]);

    await setStage(ctx, first.id, { stage: 'complete' });
    expect(await inDev(runId)).toEqual([apart.id, second.id]);
    await setStage(ctx, apart.id, { stage: 'complete' });
    await setStage(ctx, second.id, { stage: 'complete' });
    expect(await inDev(runId)).toEqual([folder.id]);
  });

  it('a task of files no other unfinished task touches starts at once; a complete task holds nothing', async () => {
    const runId = await newRun('no-overlap');
    const noFiles = await newTask(runId, 'no files named', []);
    const done = await newTask(runId, 'edit a', ['src/a.js']);
    await setStage(ctx, done.id, { stage: 'complete' });
    const again = await newTask(runId, 'edit a again', ['src/a.js']);
    expect(await inDev(runId)).toEqual([noFiles.id, again.id]);
  });

  it('are in dev together when the project allows overlapping work', async () => {
    const runId = await newRun('parallel', true);
    const first = await newTask(runId, 'edit a', ['src/a.js']);
    const second = await newTask(runId, 'edit a too', ['src/a.js']);
    expect(await inDev(runId)).toEqual([first.id, second.id]);
  });
});
