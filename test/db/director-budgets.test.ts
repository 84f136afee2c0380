/**
 * Budgets per task, per run and per project in total, in tokens, cost and wall time, against real state
 * (PGlite and PostgreSQL): wall time is backdated job timestamps, never slept. And pausing one task: its
 * jobs are held, not lost, whatever else moves them meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSettings } from '../../src/db/schema.ts';
import { approvals, events, jobs, projects, tasks } from '../../src/db/schema.ts';
import { Director } from '../../src/director/director.ts';
import { decideApproval } from '../../src/services/approvals.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { failJob } from '../../src/services/queue/finish-job.ts';
import { createRun, getRun, setPaused } from '../../src/services/runs.ts';
import { setTaskPaused } from '../../src/services/task-pause.ts';
import { createTask } from '../../src/services/tasks.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
const root = mkdtempSync(join(tmpdir(), 'wh-budgets-'));
let made = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
});

afterAll(async () => {
  await database.close();
  rmSync(root, { recursive: true, force: true });
});

async function newRun(settings: ProjectSettings = {}, projectId?: number) {
  made += 1;
  const id =
    projectId ??
    (await createProject(ctx, { name: `budgets-${made}`, repository: join(root, `repo-${made}`), settings }))
      .id;
  const { run } = await createRun(ctx, { projectId: id, goal: 'limited', skipPlanning: true });
  return run;
}

/** A finished agent job of a run (and task): its tokens, and its wall time by backdated timestamps. */
async function spend(
  runId: number,
  usage: { tokens?: number; minutes?: number; taskId?: number },
): Promise<void> {
  await database.db.insert(jobs).values({
    kind: 'stage',
    runId,
    taskId: usage.taskId ?? null,
    stage: usage.taskId ? 'dev' : null,
    role: 'dev',
    state: 'succeeded',
    backend: 'scripted',
    inputTokens: usage.tokens ?? 0,
    outputTokens: 0,
    startedAt: sql`now() - make_interval(mins => ${usage.minutes ?? 0})`,
    finishedAt: sql`now()`,
  });
}

async function tickBudget() {
  const once = new Director({ db: database.db, workspace: join(root, 'data'), autoTriggerAgents: true });
  try {
    return (await once.tick()).filter((intervention) => intervention.rule === 'budget');
  } finally {
    await once.stop();
  }
}

async function pendingBudgetApproval(runId: number) {
  const [approval] = await database.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.runId, runId), eq(approvals.kind, 'budget'), eq(approvals.state, 'pending')));
  return approval!;
}

async function jobState(jobId: number) {
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, jobId));
  return { state: row!.state, heldByPause: row!.heldByPause };
}

describe('wall time', () => {
  it("counts the elapsed time of the run's jobs: a warning at 80%, the run paused at 100%, a raised limit resumes it", async () => {
    const run = await newRun({ budget: { wallSeconds: 3600 } });
    await spend(run.id, { minutes: 50 });
    const [warning] = await tickBudget();
    expect(warning).toMatchObject({ action: 'warn', runId: run.id, taskId: null });
    expect(warning!.evidence).toMatchObject({ scope: 'run', percent: 83, used: { wall_seconds: 3000 } });
    expect(await tickBudget()).toEqual([]);

    // A running job counts up to now.
    const [running] = await database.db
      .insert(jobs)
      .values({
        kind: 'stage',
        runId: run.id,
        role: 'dev',
        state: 'running',
        startedAt: sql`now() - make_interval(mins => 15)`,
      })
      .returning();
    const [pause] = await tickBudget();
    expect(pause).toMatchObject({ action: 'pause', runId: run.id });
    expect((await getRun(database.db, run.id)).paused).toBe(true);
    const approval = await pendingBudgetApproval(run.id);
    expect(approval.details).toMatchObject({ scope: 'run', budget: { wallSeconds: 3600 } });
    expect((approval.details as { used: { wallSeconds: number } }).used.wallSeconds).toBeGreaterThanOrEqual(
      3900,
    );
    await database.db
      .update(jobs)
      .set({ state: 'succeeded', finishedAt: sql`now()` })
      .where(eq(jobs.id, running!.id));

    await expect(
      decideApproval(ctx, approval.id, { decision: 'approve', budget: { wallSeconds: 3600 } }),
    ).rejects.toThrow(/already spent/);
    await decideApproval(ctx, approval.id, { decision: 'approve', budget: { wallSeconds: 7200 } });
    expect(await getRun(database.db, run.id)).toMatchObject({ paused: false, budget: { wallSeconds: 7200 } });
  });

  it('does not count time jobs spent waiting (queued or held), nor a retried attempt between its tries', async () => {
    const run = await newRun({ budget: { wallSeconds: 600 } });
    await database.db.insert(jobs).values([
      {
        kind: 'stage',
        runId: run.id,
        role: 'dev',
        state: 'queued',
        createdAt: sql`now() - interval '2 hours'`,
      },
      {
        kind: 'stage',
        runId: run.id,
        role: 'dev',
        state: 'queued',
        attempt: 2,
        startedAt: sql`now() - interval '2 hours'`,
      },
    ]);
    expect(await tickBudget()).toEqual([]);
  });
});

describe('task limits', () => {
  it('pause only the task that reached them, keep its jobs held, and a raised limit resumes it', async () => {
    const run = await newRun({ budget: { task: { tokens: 100 } } });
    const { task: spender } = await createTask(ctx, { runId: run.id, title: 'spender' });
    const { task: frugal, job: frugalJob } = await createTask(ctx, { runId: run.id, title: 'frugal' });
    await spend(run.id, { tokens: 150, taskId: spender.id });
    await spend(run.id, { tokens: 10, taskId: frugal.id });
    const [spenderJob] = await database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.taskId, spender.id), eq(jobs.state, 'queued')));

    const [pause] = await tickBudget();
    expect(pause).toMatchObject({ action: 'pause', runId: run.id, taskId: spender.id });
    expect(pause!.evidence).toMatchObject({
      scope: 'task',
      used: { tokens: 150 },
      outcome: { paused: 'task' },
    });
    expect((await getRun(database.db, run.id)).paused).toBe(false);
    const [paused] = await database.db.select().from(tasks).where(eq(tasks.id, spender.id));
    expect(paused!.paused).toBe(true);
    expect(await jobState(spenderJob!.id)).toEqual({ state: 'held', heldByPause: true });
    expect(await jobState(frugalJob!.id)).toEqual({ state: 'queued', heldByPause: false });

    const approval = await pendingBudgetApproval(run.id);
    expect(approval).toMatchObject({
      taskId: spender.id,
      details: { scope: 'task', budget: { tokens: 100 } },
    });
    await expect(
      decideApproval(ctx, approval.id, { decision: 'approve', budget: { tokens: 150 } }),
    ).rejects.toThrow(/already spent/);
    await decideApproval(ctx, approval.id, { decision: 'approve', budget: { tokens: 1000 } });
    const [resumed] = await database.db.select().from(tasks).where(eq(tasks.id, spender.id));
    expect(resumed).toMatchObject({ paused: false, budget: { tokens: 1000 } });
    expect(await jobState(spenderJob!.id)).toEqual({ state: 'queued', heldByPause: false });
    expect(await tickBudget()).toEqual([]);
  });
});

describe('project total', () => {
  it("adds every run's use, pauses each run at work, and a raised total resumes the one approved", async () => {
    const first = await newRun({ budget: { total: { tokens: 1000 } } });
    const second = await newRun({}, first.projectId);
    await spend(first.id, { tokens: 500 });
    await spend(second.id, { tokens: 350 });
    const warnings = await tickBudget();
    expect(warnings.map((w) => [w.action, w.evidence.scope])).toEqual([['warn', 'project']]);

    await spend(second.id, { tokens: 200 });
    const pauses = await tickBudget();
    expect(pauses.map((p) => [p.action, p.runId])).toEqual([
      ['pause', first.id],
      ['pause', second.id],
    ]);
    const approval = await pendingBudgetApproval(second.id);
    expect(approval.details).toMatchObject({ scope: 'project', used: { tokens: 1050 } });
    await decideApproval(ctx, approval.id, { decision: 'approve', budget: { tokens: 4000 } });
    expect((await getRun(database.db, second.id)).paused).toBe(false);
    expect((await getRun(database.db, first.id)).paused).toBe(true);
    const [project] = await database.db.select().from(projects).where(eq(projects.id, first.projectId));
    expect(project!.settings.budget).toEqual({ total: { tokens: 4000 } });
    // The other run's approval is approved with the total as it now stands.
    await decideApproval(ctx, (await pendingBudgetApproval(first.id)).id, {
      decision: 'approve',
      budget: { tokens: 4000 },
    });
    expect((await getRun(database.db, first.id)).paused).toBe(false);
    expect(await tickBudget()).toEqual([]);
  });
});

describe('pausing one task', () => {
  it('holds its queued job, keeps retries and new stage jobs held, and resuming queues them', async () => {
    const run = await newRun();
    const { task, job } = await createTask(ctx, { runId: run.id, title: 'paused by a person' });
    await setTaskPaused(ctx, task.id, true);
    expect(await jobState(job!.id)).toEqual({ state: 'held', heldByPause: true });
    const [paused] = await database.db
      .select()
      .from(events)
      .where(and(eq(events.taskId, task.id), eq(events.type, 'task.paused')));
    expect(paused!.payload).toEqual({ was_paused: false, job_ids: [job!.id] });

    // A job running when the task was paused fails and is retried: the retry waits too.
    const leaseToken = '00000000-0000-4000-8000-000000000001';
    await database.db
      .update(jobs)
      .set({
        state: 'running',
        leaseToken,
        leaseOwner: 'w',
        leaseExpiresAt: sql`now() + interval '1 minute'`,
      })
      .where(eq(jobs.id, job!.id));
    const failed = await failJob(database.db, { jobId: job!.id, leaseToken }, 'w', { error: 'flaky' });
    expect(failed).toMatchObject({ accepted: true, job: { state: 'held', heldByPause: true } });

    // Pausing and resuming the run leaves the task's work held: the task is still paused.
    await setPaused(ctx, run.id, true);
    await setPaused(ctx, run.id, false);
    expect(await jobState(job!.id)).toEqual({ state: 'held', heldByPause: true });

    await setTaskPaused(ctx, task.id, false);
    expect(await jobState(job!.id)).toEqual({ state: 'queued', heldByPause: false });
  });

  it('a task resumed in a paused run stays held until the run resumes', async () => {
    const run = await newRun();
    const { task, job } = await createTask(ctx, { runId: run.id, title: 'both paused' });
    await setTaskPaused(ctx, task.id, true);
    await setPaused(ctx, run.id, true);
    await setTaskPaused(ctx, task.id, false);
    expect(await jobState(job!.id)).toEqual({ state: 'held', heldByPause: true });
    await setPaused(ctx, run.id, false);
    expect(await jobState(job!.id)).toEqual({ state: 'queued', heldByPause: false });
  });
});
