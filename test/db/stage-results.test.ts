/**
 * A finished stage job's verdict, applied as the worker applies it: inside the job's lease-fenced completing
 * transaction (PGlite and PostgreSQL). What each part of a verdict changes: blocking findings stored and the
 * task back to dev; medium and low findings become fix tasks that say what and where; a passing review closes
 * that reviewer's old findings (and only its own); a result for a task that moved on changes nothing.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, tasks } from '../../src/db/schema.ts';
import type { ReportFinding } from '../../src/domain/reports.ts';
import type { Verdict } from '../../src/domain/verdict.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { claimJobs } from '../../src/services/queue/claim-job.ts';
import { completeJobWith } from '../../src/services/queue/finish-job.ts';
import { createRun } from '../../src/services/runs.ts';
import { applyStageVerdict } from '../../src/services/stage-results.ts';
import { advanceStage, setStage } from '../../src/services/task-stages.ts';
import { createTask, getTask } from '../../src/services/tasks.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
let runId: number;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  const project = await createProject(ctx, { name: 'verdicts', repository: '/repo/verdicts' });
  runId = (await createRun(ctx, { projectId: project.id, goal: 'verdicts', skipPlanning: true })).run.id;
});

afterAll(() => database?.close());

/** A task whose dev stage passed: its QA job is queued. */
async function taskAtQa(title = 'a task'): Promise<number> {
  const { task } = await createTask(ctx, { runId, title });
  await advanceStage(ctx, task.id, { result: 'pass' });
  return task.id;
}

/** Claims the task's queued job and completes it with `verdict`; returns the event the verdict made. */
async function finishWith(taskId: number, verdict: Verdict) {
  const [job] = await claimJobs(database.db, { workerId: 'w', kinds: ['stage'], leaseSeconds: 60 }, 100).then(
    (claimed) => claimed.filter((candidate) => candidate.taskId === taskId),
  );
  expect(job, `a queued job for task ${taskId}`).toBeDefined();
  let event: Awaited<ReturnType<typeof applyStageVerdict>> | null = null;
  const outcome = await completeJobWith(
    database.db,
    { jobId: job!.id, leaseToken: job!.leaseToken! },
    'w',
    {},
    async (tx, held) => {
      event = await applyStageVerdict(tx, ctx, held, verdict);
      return event;
    },
  );
  expect(outcome.accepted).toBe(true);
  return { job: job!, event: event! };
}

const finding = (severity: string, issue: string, file: string | null = null, line: number | null = null) =>
  ({ severity, issue, file, line, recommendation: `fix ${issue}` }) as ReportFinding;

function findingsOf(taskId: number) {
  return database.db.select().from(findings).where(eq(findings.taskId, taskId)).orderBy(asc(findings.id));
}

describe('applying a stage verdict', () => {
  it('a fail with a blocking finding stores it, sends the task back to dev and says why', async () => {
    const taskId = await taskAtQa();
    const { job, event } = await finishWith(taskId, {
      pass: false,
      reasons: ['QA found a high finding', 'tests failed'],
      findings: [finding('high', 'crash on empty input', 'src/sum.py', 12)],
    });
    const stored = await findingsOf(taskId);
    expect(stored).toMatchObject([
      { source: 'qa', severity: 'high', status: 'open', jobId: job.id, file: 'src/sum.py', line: 12 },
    ]);
    expect(event).toMatchObject({
      type: 'task.stage_result',
      payload: {
        result: 'fail',
        from: 'qa',
        to: 'dev',
        loop_back: true,
        loop_backs: 1,
        reasons: ['QA found a high finding', 'tests failed'],
        finding_ids: [stored[0]!.id],
        fix_task_ids: [],
      },
    });
    const task = await getTask(database.db, taskId);
    expect(task).toMatchObject({
      pipelineStage: 'dev',
      loopBacks: 1,
      notes: '[qa -> dev] QA found a high finding; tests failed\n',
    });
    expect(event.payload).toMatchObject({ next_job_id: expect.any(Number) });
  });

  it('a pass advances the task, with "passed on evidence" in its notes', async () => {
    const taskId = await taskAtQa();
    const { event } = await finishWith(taskId, { pass: true, reasons: [], findings: [] });
    expect(event.payload).toMatchObject({ result: 'pass', from: 'qa', to: 'sec', loop_back: false });
    const [row] = await database.db.select().from(tasks).where(eq(tasks.id, taskId));
    expect(row).toMatchObject({ pipelineStage: 'sec', notes: '[qa -> sec] passed on evidence\n' });
  });

  it('medium and low findings become fix tasks that say what, where and how urgent; the task goes on', async () => {
    const taskId = await taskAtQa('the parent');
    const { event } = await finishWith(taskId, {
      pass: true,
      reasons: [],
      findings: [finding('medium', 'slow loop', 'src/a.py', 3), finding('low', 'typo in a name')],
    });
    const fixIds = (event.payload as { fix_task_ids: number[] }).fix_task_ids;
    expect(fixIds).toHaveLength(2);
    const fixes = await Promise.all(fixIds.map((id) => getTask(database.db, id)));
    expect(fixes).toMatchObject([
      {
        title: 'Fix: slow loop',
        description: 'medium finding at src/a.py:3.\n\nslow loop\n\nRecommendation: fix slow loop',
        priority: 7,
        files: ['src/a.py'],
        source: 'finding',
        runId,
      },
      {
        title: 'Fix: typo in a name',
        description:
          'low finding at unspecified location.\n\ntypo in a name\n\nRecommendation: fix typo in a name',
        priority: 5,
        files: [],
      },
    ]);
    const stored = await findingsOf(taskId);
    expect(stored.map((row) => [row.severity, row.fixTaskId])).toEqual([
      ['medium', fixIds[0]],
      ['low', fixIds[1]],
    ]);
    expect(event.payload).toMatchObject({ result: 'pass', finding_ids: [], to: 'sec' });
  });

  it('a fix task title is cut to 300 characters; a finding with a file and no line says only the file', async () => {
    const taskId = await taskAtQa();
    const long = 'x'.repeat(400);
    const { event } = await finishWith(taskId, {
      pass: true,
      reasons: [],
      findings: [finding('low', long, 'README.md')],
    });
    const [fix] = await Promise.all(
      (event.payload as { fix_task_ids: number[] }).fix_task_ids.map((id) => getTask(database.db, id)),
    );
    expect(fix!.title).toBe(`Fix: ${long}`.slice(0, 300));
    expect(fix!.description).toMatch(/^low finding at README\.md\.\n/);
  });

  it("a passing review closes its own stage's open findings of the task, not another reviewer's", async () => {
    const taskId = await taskAtQa();
    await finishWith(taskId, { pass: false, reasons: ['bug'], findings: [finding('critical', 'data loss')] });
    await database.db.insert(findings).values({
      runId,
      taskId,
      source: 'sec',
      severity: 'high',
      issue: 'an injection',
      recommendation: 'escape it',
    });
    await advanceStage(ctx, taskId, { result: 'pass' });
    await finishWith(taskId, { pass: true, reasons: [], findings: [] });
    const byStatus = (await findingsOf(taskId)).map((row) => [row.source, row.status]);
    expect(byStatus).toEqual([
      ['qa', 'fixed'],
      ['sec', 'open'],
    ]);
  });

  it('a failing review leaves its old findings open', async () => {
    const taskId = await taskAtQa();
    await finishWith(taskId, { pass: false, reasons: ['bug'], findings: [finding('high', 'first')] });
    await advanceStage(ctx, taskId, { result: 'pass' });
    await finishWith(taskId, { pass: false, reasons: ['still'], findings: [finding('high', 'second')] });
    const rows = await database.db
      .select()
      .from(findings)
      .where(and(eq(findings.taskId, taskId), eq(findings.status, 'open')));
    expect(rows.map((row) => row.issue)).toEqual(['first', 'second']);
  });

  it('a result for a task that moved on while the job ran changes nothing but says so', async () => {
    const taskId = await taskAtQa();
    const [job] = await claimJobs(
      database.db,
      { workerId: 'w', kinds: ['stage'], leaseSeconds: 60 },
      100,
    ).then((claimed) => claimed.filter((candidate) => candidate.taskId === taskId));
    const before = await getTask(database.db, taskId);
    // Someone sets the stage by hand while QA runs: QA's job is cancelled, so its verdict arrives on a
    // task that is elsewhere.
    await setStage(ctx, taskId, { stage: 'docs' });
    const moved = await getTask(database.db, taskId);
    let event: Awaited<ReturnType<typeof applyStageVerdict>> | null = null;
    await database.db.transaction(async (tx) => {
      event = await applyStageVerdict(tx, ctx, job!, {
        pass: false,
        reasons: ['late'],
        findings: [finding('critical', 'late finding')],
      });
    });
    expect(event).toEqual({
      type: 'job.result_superseded',
      projectId: expect.any(Number),
      runId,
      taskId,
      payload: { job_stage: 'qa', task_stage: 'docs', pass: false },
    });
    expect(await getTask(database.db, taskId)).toEqual(moved);
    expect(moved.version).toBeGreaterThan(before.version);
    expect(await findingsOf(taskId)).toEqual([]);
  });
});
