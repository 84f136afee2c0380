/**
 * The Director's rules against real state: tasks, jobs and usage in a real database (PGlite and PostgreSQL),
 * changes on real git branches. Each rule has a case that fires and one that does not; time is backdated,
 * never slept. Interventions are applied once, however many Directors look.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSettings } from '../../src/db/schema.ts';
import {
  approvals,
  directorInterventions,
  events,
  findings,
  jobs,
  runs,
  tasks,
} from '../../src/db/schema.ts';
import { Director } from '../../src/director/director.ts';
import { DIRECTOR_RULE_NAMES } from '../../src/domain/director.ts';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { decideApproval } from '../../src/services/approvals.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { applyIntervention, getDirectorState, updateDirector } from '../../src/services/director.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { listTaskNotes } from '../../src/services/task-notes.ts';
import { advanceStage, setStage } from '../../src/services/task-stages.ts';
import { createTask } from '../../src/services/tasks.ts';
import { git } from '../../src/worker/git.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { commitRepo } from '../support/git.ts';

let database: TestDatabase;
let ctx: ServiceContext;
const root = mkdtempSync(join(tmpdir(), 'wh-director-'));
const repo = join(root, 'repo');
let projects = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  writeFileSync(join(repo, 'app.js'), 'export const answer = 1;\n');
  writeFileSync(join(repo, 'app.test.js'), "import assert from 'node:assert';\nassert.equal(1, 1);\n");
  await commitRepo(repo, 'initial');
});

afterAll(async () => {
  await database.close();
  rmSync(root, { recursive: true, force: true });
});

function director(): Director {
  return new Director({ db: database.db, workspace: join(root, 'data'), autoTriggerAgents: true });
}

async function newRun(settings: ProjectSettings = {}) {
  projects += 1;
  const project = await createProject(ctx, { name: `director-${projects}`, repository: repo, settings });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'supervised', skipPlanning: true });
  return run;
}

/** One pass of a Director that then gives its lease up; what one rule did in it. */
async function tickWith(rule: string) {
  const once = director();
  try {
    return (await once.tick()).filter((intervention) => intervention.rule === rule);
  } finally {
    await once.stop();
  }
}

async function backdateTask(taskId: number, minutes: number) {
  await database.db.execute(
    sql`update tasks set updated_at = now() - make_interval(mins => ${minutes}) where id = ${taskId}`,
  );
}

describe('stuck-task', () => {
  it('requeues the job of a task idle in its stage with none, once per task version', async () => {
    const run = await newRun();
    const { task, job } = await createTask(ctx, { runId: run.id, title: 'stuck' });
    // Its DEV job died for good: the task sits in dev with nothing to move it.
    await database.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, job!.id));
    await backdateTask(task.id, 11);
    const [nudge] = await tickWith('stuck-task');
    expect(nudge).toMatchObject({ rule: 'stuck-task', action: 'requeue', runId: run.id, taskId: task.id });
    expect(nudge!.evidence).toMatchObject({ stage: 'dev', idle_minutes: 11, threshold_minutes: 10 });
    const open = await database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.taskId, task.id), eq(jobs.state, 'queued')));
    expect(open.map((row) => row.stage)).toEqual(['dev']);
    expect(nudge!.evidence.outcome).toEqual({ job_id: open[0]!.id, job_state: 'queued' });

    // The requeued job dies too: the same task version is not nudged again.
    await database.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, open[0]!.id));
    await backdateTask(task.id, 30);
    expect(await tickWith('stuck-task')).toEqual([]);
  });

  it('leaves alone a task with an open job, one idle for less than its threshold, and a paused run', async () => {
    const run = await newRun({ director: { rules: { 'stuck-task': { idleMinutes: 20 } } } });
    const { task: working } = await createTask(ctx, { runId: run.id, title: 'has a job' });
    const { task: recent, job } = await createTask(ctx, { runId: run.id, title: 'idle 15 min' });
    await database.db.update(jobs).set({ state: 'failed' }).where(eq(jobs.id, job!.id));
    await backdateTask(working.id, 60);
    await backdateTask(recent.id, 15);
    expect(await tickWith('stuck-task')).toEqual([]);
  });
});

/** Agent usage as the jobs of a run report it. */
async function spend(runId: number, inputTokens: number, costUsd: number | null = null) {
  await database.db.insert(jobs).values({
    kind: 'stage',
    runId,
    role: 'dev',
    state: 'succeeded',
    backend: 'scripted',
    inputTokens,
    outputTokens: 0,
    costUsd,
  });
}

describe('budget', () => {
  it('warns at 80%, pauses the run and asks a person at 100%, and a raised budget resumes it', async () => {
    const run = await newRun({ budget: { tokens: 1000 } });
    await spend(run.id, 850);
    const [warning] = await tickWith('budget');
    expect(warning).toMatchObject({ action: 'warn', runId: run.id });
    expect(warning!.evidence).toMatchObject({ percent: 85, used: { tokens: 850 } });
    expect(await tickWith('budget')).toEqual([]);

    await spend(run.id, 200);
    const { job } = await createTask(ctx, { runId: run.id, title: 'queued work' });
    const [pause] = await tickWith('budget');
    expect(pause).toMatchObject({ action: 'pause', runId: run.id });
    expect((await getRun(database.db, run.id)).paused).toBe(true);
    const [held] = await database.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(held).toMatchObject({ state: 'held', heldByPause: true });
    const [approval] = await database.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.runId, run.id), eq(approvals.kind, 'budget')));
    expect(approval).toMatchObject({ state: 'pending', requestedBy: 'director' });
    expect(approval!.details).toEqual({
      scope: 'run',
      budget: { tokens: 1000 },
      used: { tokens: 1050, costUsd: null, wallSeconds: 0 },
    });

    // Approving needs a raised budget, and one the run has not already spent.
    await expect(decideApproval(ctx, approval!.id, { decision: 'approve' })).rejects.toThrow(/raised limits/);
    await expect(
      decideApproval(ctx, approval!.id, { decision: 'approve', budget: { tokens: 1040 } }),
    ).rejects.toThrow(/already spent/);
    await decideApproval(ctx, approval!.id, { decision: 'approve', budget: { tokens: 5000 } });
    const resumed = await getRun(database.db, run.id);
    expect(resumed).toMatchObject({ paused: false, budget: { tokens: 5000 } });
    const [requeued] = await database.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(requeued!.state).toBe('queued');
    expect(await tickWith('budget')).toEqual([]);
  });

  it('watches cost too, and leaves alone a run under its warning line or without a budget', async () => {
    const expensive = await newRun({ budget: { costUsd: 2 } });
    await spend(expensive.id, 10, 2.5);
    const cheap = await newRun({ budget: { tokens: 1000 } });
    await spend(cheap.id, 700);
    const unlimited = await newRun();
    await spend(unlimited.id, 1_000_000);
    const fired = await tickWith('budget');
    expect(fired.map((intervention) => [intervention.runId, intervention.action])).toEqual([
      [expensive.id, 'pause'],
    ]);
  });
});

/**
 * A task whose DEV passed: its branch (cut from the run branch) holds `change`, its DEV job succeeded and
 * the task is in QA, as after a real DEV stage.
 */
async function passedDev(settings: ProjectSettings, change: (worktree: string) => void) {
  const run = await newRun(settings);
  const { task, job } = await createTask(ctx, { runId: run.id, title: 'change the app' });
  const branch = taskBranchName(run.branch!, task.id);
  await git(repo, ['branch', run.branch!, 'main']);
  await git(repo, ['checkout', '-q', '-b', branch, run.branch!]);
  change(repo);
  await commitRepo(repo, 'dev');
  await git(repo, ['checkout', '-q', 'main']);
  await database.db
    .update(jobs)
    .set({ state: 'succeeded', finishedAt: sql`now()` })
    .where(eq(jobs.id, job!.id));
  await advanceStage(ctx, task.id, { result: 'pass' });
  return { run, taskId: task.id, jobId: job!.id };
}

async function taskAfter(taskId: number) {
  const [row] = await database.db.select().from(tasks).where(eq(tasks.id, taskId));
  const open = await database.db
    .select()
    .from(findings)
    .where(and(eq(findings.taskId, taskId), eq(findings.source, 'director')));
  return { stage: row!.pipelineStage, loopBacks: row!.loopBacks, findings: open };
}

describe('tdd', () => {
  it('sends back a change to source code that touches no test, with the note for its next prompt', async () => {
    const { taskId, jobId } = await passedDev({}, (dir) =>
      writeFileSync(join(dir, 'app.js'), 'export const answer = 42;\n'),
    );
    const [fired] = await tickWith('tdd');
    expect(fired).toMatchObject({ action: 'finding', taskId, jobId });
    const after = await taskAfter(taskId);
    expect(after).toMatchObject({ stage: 'dev', loopBacks: 1 });
    expect(after.findings.map((f) => [f.severity, f.issue, f.file])).toEqual([
      ['high', 'the change touches source code (app.js) but no test', 'app.js'],
    ]);
    expect(fired!.evidence.outcome).toEqual({ finding_id: after.findings[0]!.id, moved_to: 'dev' });
  });

  it('passes a change that comes with its test, and one that touches no source', async () => {
    const tested = await passedDev({}, (dir) => {
      writeFileSync(join(dir, 'app.js'), 'export const answer = 43;\n');
      writeFileSync(join(dir, 'app.test.js'), "import assert from 'node:assert';\nassert.equal(43, 43);\n");
    });
    const docs = await passedDev({}, (dir) => writeFileSync(join(dir, 'README.md'), '# demo\n\nMore.\n'));
    expect(await tickWith('tdd')).toEqual([]);
    expect((await taskAfter(tested.taskId)).stage).toBe('qa');
    expect((await taskAfter(docs.taskId)).stage).toBe('qa');
  });

  it('is off where the project turns it off, or the installation does and the project does not turn it on', async () => {
    await passedDev({ director: { rules: { tdd: { enabled: false } } } }, (dir) =>
      writeFileSync(join(dir, 'app.js'), 'export const answer = 44;\n'),
    );
    expect(await tickWith('tdd')).toEqual([]);

    await updateDirector(ctx, { rules: { tdd: { enabled: false } } });
    try {
      await passedDev({}, (dir) => writeFileSync(join(dir, 'app.js'), 'export const answer = 45;\n'));
      const wanted = await passedDev({ director: { rules: { tdd: { enabled: true } } } }, (dir) =>
        writeFileSync(join(dir, 'app.js'), 'export const answer = 46;\n'),
      );
      expect((await tickWith('tdd')).map((i) => i.taskId)).toEqual([wanted.taskId]);
    } finally {
      await updateDirector(ctx, { rules: { tdd: {} } });
    }
  });
});

describe('test-tampering', () => {
  it('sends back a change that deletes a test, skips one, or removes assertions', async () => {
    const deleted = await passedDev({}, (dir) => unlinkSync(join(dir, 'app.test.js')));
    const skipped = await passedDev({}, (dir) =>
      writeFileSync(
        join(dir, 'app.test.js'),
        "import assert from 'node:assert';\nassert.equal(1, 1);\nit.skip('later', () => {});\n",
      ),
    );
    const weakened = await passedDev({}, (dir) =>
      writeFileSync(join(dir, 'app.test.js'), "import assert from 'node:assert';\n"),
    );
    const fired = await tickWith('test-tampering');
    const byTask = new Map(
      fired.map((intervention) => [intervention.taskId, intervention.evidence.problems]),
    );
    expect(byTask.get(deleted.taskId)).toEqual(['deletes the test file app.test.js']);
    expect(byTask.get(skipped.taskId)).toEqual(['adds a skip or only marker to app.test.js']);
    expect(byTask.get(weakened.taskId)).toEqual(['removes 1 assertion(s) from app.test.js']);
    for (const { taskId } of [deleted, skipped, weakened])
      expect((await taskAfter(taskId)).stage).toBe('dev');
  });

  it('passes a change that adds assertions', async () => {
    const stronger = await passedDev({}, (dir) =>
      writeFileSync(
        join(dir, 'app.test.js'),
        "import assert from 'node:assert';\nassert.equal(1, 1);\nassert.equal(2, 2);\n",
      ),
    );
    expect(await tickWith('test-tampering')).toEqual([]);
    expect((await taskAfter(stronger.taskId)).stage).toBe('qa');
  });
});

describe('migrations', () => {
  it('sends back a change to a model field without a new migration', async () => {
    const { taskId } = await passedDev({}, (dir) => {
      mkdirSync(join(dir, 'shop'), { recursive: true });
      writeFileSync(
        join(dir, 'shop', 'models.py'),
        'class Order(models.Model):\n    total = models.IntegerField()\n',
      );
      writeFileSync(join(dir, 'shop', 'test_orders.py'), 'def test_total():\n    assert True\n');
    });
    const fired = await tickWith('migrations');
    expect(fired.map((i) => [i.taskId, i.evidence.schema_files])).toEqual([[taskId, ['shop/models.py']]]);
    expect((await taskAfter(taskId)).stage).toBe('dev');
  });

  it('passes the same change with its migration, and a model change that defines no field', async () => {
    const migrated = await passedDev({}, (dir) => {
      mkdirSync(join(dir, 'billing', 'migrations'), { recursive: true });
      writeFileSync(
        join(dir, 'billing', 'models.py'),
        'class Invoice(models.Model):\n    due = models.DateField()\n',
      );
      writeFileSync(join(dir, 'billing', 'migrations', '0001_initial.py'), 'operations = []\n');
      writeFileSync(join(dir, 'billing', 'test_invoices.py'), 'def test_due():\n    assert True\n');
    });
    const method = await passedDev({}, (dir) => {
      mkdirSync(join(dir, 'crm'), { recursive: true });
      writeFileSync(join(dir, 'crm', 'models.py'), 'def full_name(person):\n    return person.first\n');
      writeFileSync(join(dir, 'crm', 'test_models.py'), 'def test_name():\n    assert True\n');
    });
    expect(await tickWith('migrations')).toEqual([]);
    expect((await taskAfter(migrated.taskId)).stage).toBe('qa');
    expect((await taskAfter(method.taskId)).stage).toBe('qa');
  });
});

const TOTALS = `export function totals(orders) {
  let sum = 0;
  let count = 0;
  for (const order of orders) {
    if (order.cancelled) continue;
    sum += order.amount * order.quantity;
    count += order.quantity;
  }
  const average = count === 0 ? 0 : sum / count;
  return { sum, count, average };
}
`;

describe('dry', () => {
  it('sends back a change that copies a block of code instead of calling it', async () => {
    const { taskId } = await passedDev({}, (dir) => {
      writeFileSync(join(dir, 'orders.js'), TOTALS);
      writeFileSync(
        join(dir, 'report.js'),
        `// the report's own totals\n${TOTALS.replace('totals', 'reportTotals')}`,
      );
      writeFileSync(join(dir, 'orders.test.js'), "import assert from 'node:assert';\nassert.ok(true);\n");
    });
    const [fired] = await tickWith('dry');
    expect(fired).toMatchObject({ taskId, action: 'finding' });
    const [clone] = fired!.evidence.clones as { added: { path: string }; original: { path: string } }[];
    expect([clone!.added.path, clone!.original.path].sort()).toEqual(['orders.js', 'report.js']);
    expect((await taskAfter(taskId)).findings[0]!.issue).toMatch(/^the change copies code: /);
  });

  it('passes a change of code that repeats nothing', async () => {
    await passedDev({}, (dir) => {
      writeFileSync(join(dir, 'orders.js'), TOTALS);
      writeFileSync(join(dir, 'orders.test.js'), "import assert from 'node:assert';\nassert.ok(true);\n");
    });
    expect(await tickWith('dry')).toEqual([]);
  });
});

describe('orm', () => {
  const rawSql = (dir: string) => {
    writeFileSync(
      join(dir, 'orders.js'),
      "export const all = (db) => db.query('SELECT id, total FROM orders');\n",
    );
    writeFileSync(join(dir, 'orders.test.js'), "import assert from 'node:assert';\nassert.ok(true);\n");
  };

  it('sends back raw SQL added to the code of a project that names its ORM', async () => {
    const { taskId } = await passedDev({ director: { rules: { orm: { orm: 'drizzle' } } } }, rawSql);
    const fired = await tickWith('orm');
    expect(fired.map((i) => i.taskId)).toEqual([taskId]);
    expect((await taskAfter(taskId)).findings[0]!.issue).toContain('raw SQL where the project uses drizzle');
  });

  it('is quiet for a project that names no ORM', async () => {
    await passedDev({}, rawSql);
    expect(await tickWith('orm')).toEqual([]);
  });
});

/** A task past the stage `stage`, whose job there succeeded with `gates` in its report. */
async function passedStage(stage: string, gates: object[], testCommand: string | null = 'npm test') {
  projects += 1;
  const project = await createProject(ctx, { name: `director-${projects}`, repository: repo, testCommand });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'false done', skipPlanning: true });
  const { task } = await createTask(ctx, { runId: run.id, title: 'claimed done' });
  await advanceStage(ctx, task.id, { result: 'pass' });
  const [job] = await database.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.taskId, task.id), eq(jobs.stage, stage)));
  await database.db
    .update(jobs)
    .set({ state: 'succeeded', finishedAt: sql`now()`, report: { verdict: { pass: true }, gates } })
    .where(eq(jobs.id, job!.id));
  await advanceStage(ctx, task.id, { result: 'pass' });
  return { runId: run.id, taskId: task.id };
}

const gate = (output: string) => ({
  name: 'test',
  command: 'npm test',
  ok: true,
  exitCode: 0,
  outputTail: output,
});

describe('false-done', () => {
  it('sends back a QA pass whose test command ran no test, and warns of a project with none', async () => {
    const empty = await passedStage('qa', [gate('TAP version 13\n# tests 0\n# pass 0\n')]);
    const none = await passedStage('qa', [], null);
    const fired = await tickWith('false-done');
    expect(fired.map((i) => [i.taskId, i.action])).toEqual([
      [empty.taskId, 'finding'],
      [none.taskId, 'warn'],
    ]);
    expect(fired[0]!.evidence).toMatchObject({ command: 'npm test', said: '# tests 0' });
    expect((await taskAfter(empty.taskId)).stage).toBe('dev');
  });

  it('passes a QA pass whose tests ran', async () => {
    await passedStage('qa', [gate('# tests 12\n# pass 12\n')]);
    expect(await tickWith('false-done')).toEqual([]);
  });
});

describe('repeated-failure', () => {
  it('notes a task that failed the same stage twice for the same reasons, not one that failed differently', async () => {
    const run = await newRun();
    const { task: looping } = await createTask(ctx, { runId: run.id, title: 'same mistake' });
    const { task: learning } = await createTask(ctx, { runId: run.id, title: 'different mistakes' });
    const result = async (taskId: number, reasons: string[]) =>
      database.db.insert(events).values({
        type: 'task.stage_result',
        projectId: run.projectId,
        runId: run.id,
        taskId,
        payload: { result: 'fail', from: 'qa', to: 'dev', reasons },
      });
    await result(looping.id, ['gate test failed (exit 1)']);
    await result(looping.id, ['gate test failed (exit 1)']);
    await result(learning.id, ['gate test failed (exit 1)']);
    await result(learning.id, ['bugs.json reports a high finding']);
    const fired = await tickWith('repeated-failure');
    expect(fired.map((i) => [i.taskId, i.action])).toEqual([[looping.id, 'note']]);
    const notes = await listTaskNotes(database.db, looping.id);
    expect(notes).toMatchObject([{ source: 'director', author: 'director', deliveredJobId: null }]);
    expect(notes[0]!.body).toContain('failed qa for the same reasons (gate test failed (exit 1))');
    expect(fired[0]!.evidence.outcome).toEqual({ note_id: notes[0]!.id });
    expect(await listTaskNotes(database.db, learning.id)).toEqual([]);
    await database.db
      .delete(events)
      .where(and(eq(events.runId, run.id), eq(events.type, 'task.stage_result')));
  });
});

describe('stuck-run', () => {
  it('queues the test of a run left testing with no test job, and leaves a run whose test is queued', async () => {
    const stuck = await newRun();
    const { task } = await createTask(ctx, { runId: stuck.id, title: 'the only task' });
    await setStage(ctx, task.id, { stage: 'complete' });
    expect((await getRun(database.db, stuck.id)).phase).toBe('testing');
    const [test] = await database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, stuck.id), eq(jobs.kind, 'integration_test')));
    await database.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, test!.id));
    await database.db.execute(
      sql`update run_phase_changes set at = now() - interval '15 minutes' where run_id = ${stuck.id}`,
    );
    const [nudge] = await tickWith('stuck-run');
    expect(nudge).toMatchObject({ runId: stuck.id, action: 'requeue' });
    const queued = await database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, stuck.id), eq(jobs.kind, 'integration_test'), eq(jobs.state, 'queued')));
    expect(queued).toHaveLength(1);
    expect(await tickWith('stuck-run')).toEqual([]);
  });
});

describe('silent-job', () => {
  it('cancels a running agent that printed nothing for too long and queues its stage again', async () => {
    const run = await newRun({ director: { rules: { 'silent-job': { silentMinutes: 15 } } } });
    const { task: hung, job: hungJob } = await createTask(ctx, { runId: run.id, title: 'hung agent' });
    const { job: talking } = await createTask(ctx, { runId: run.id, title: 'talking agent' });
    for (const id of [hungJob!.id, talking!.id])
      await database.db
        .update(jobs)
        .set({ state: 'running', leaseToken: sql`gen_random_uuid()` })
        .where(eq(jobs.id, id));
    await database.db.execute(
      sql`update jobs set updated_at = now() - interval '16 minutes' where id = ${hungJob!.id}`,
    );
    await database.db.execute(
      sql`update jobs set updated_at = now() - interval '5 minutes' where id = ${talking!.id}`,
    );
    const fired = await tickWith('silent-job');
    expect(fired.map((i) => [i.jobId, i.evidence.silent_minutes])).toEqual([[hungJob!.id, 16]]);
    const taskJobs = await database.db.select().from(jobs).where(eq(jobs.taskId, hung.id)).orderBy(jobs.id);
    expect(taskJobs.map((j) => [j.state, j.stage])).toEqual([
      ['cancelled', 'dev'],
      ['queued', 'dev'],
    ]);
    const [still] = await database.db.select().from(jobs).where(eq(jobs.id, talking!.id));
    expect(still!.state).toBe('running');
    await database.db
      .update(jobs)
      .set({ state: 'cancelled', leaseToken: null })
      .where(eq(jobs.id, talking!.id));
  });
});

describe('loops', () => {
  async function failUntilEscalated(settings: ProjectSettings, trips: number) {
    const run = await newRun(settings);
    const { task } = await createTask(ctx, { runId: run.id, title: 'not converging' });
    for (let trip = 0; trip < trips; trip += 1) {
      await advanceStage(ctx, task.id, { result: 'pass' });
      await advanceStage(ctx, task.id, { result: 'fail' });
    }
    const pending = await database.db
      .select()
      .from(approvals)
      .where(and(eq(approvals.taskId, task.id), eq(approvals.kind, 'escalation')));
    const recorded = await database.db
      .select()
      .from(directorInterventions)
      .where(and(eq(directorInterventions.taskId, task.id), eq(directorInterventions.rule, 'loops')));
    return { pending, recorded };
  }

  it("escalates at the project's own limit, and records it as the Director's", async () => {
    const { pending, recorded } = await failUntilEscalated(
      { director: { rules: { loops: { maxLoopBacks: 2 } } } },
      2,
    );
    expect(pending.map((approval) => approval.state)).toEqual(['pending']);
    expect(recorded.map((row) => [row.action, row.evidence.loop_backs, row.evidence.threshold])).toEqual([
      ['escalate', 2, 2],
    ]);
  });

  it('does not escalate below the limit, or where the project turns the rule off', async () => {
    expect((await failUntilEscalated({}, 4)).pending).toEqual([]);
    const off = await failUntilEscalated({ director: { rules: { loops: { enabled: false } } } }, 6);
    expect(off.pending).toEqual([]);
    expect(off.recorded).toEqual([]);
  });
});

describe('the Director itself', () => {
  it('does nothing while it is off, and acts again when it is on', async () => {
    const run = await newRun();
    const { task, job } = await createTask(ctx, { runId: run.id, title: 'stuck while off' });
    await database.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, job!.id));
    await backdateTask(task.id, 60);
    await updateDirector(ctx, { enabled: false });
    try {
      expect(await tickWith('stuck-task')).toEqual([]);
    } finally {
      await updateDirector(ctx, { enabled: true });
    }
    expect((await tickWith('stuck-task')).map((i) => i.taskId)).toEqual([task.id]);
  });

  it('one Director acts at a time, and one intervention is applied once however many propose it', async () => {
    const run = await newRun();
    const { task, job } = await createTask(ctx, { runId: run.id, title: 'contended' });
    await database.db.update(jobs).set({ state: 'dead' }).where(eq(jobs.id, job!.id));
    await backdateTask(task.id, 60);
    const [first, second] = [director(), director()];
    const results = await Promise.all([first.tick(), second.tick()]);
    expect(results.flat().filter((i) => i.taskId === task.id)).toHaveLength(1);
    await first.stop();
    await second.stop();
    expect((await getDirectorState(database.db)).leader).toBeNull();

    const proposal = {
      rule: 'budget' as const,
      fingerprint: `budget:test-race:${run.id}`,
      projectId: run.projectId,
      runId: run.id,
      evidence: {},
      summary: 'a warning proposed by two Directors at once',
      plan: { kind: 'warn' as const },
    };
    const applied = await Promise.all(Array.from({ length: 5 }, () => applyIntervention(ctx, proposal)));
    expect(applied.filter(Boolean)).toHaveLength(1);
    const rows = await database.db
      .select()
      .from(directorInterventions)
      .where(eq(directorInterventions.fingerprint, proposal.fingerprint));
    expect(rows).toHaveLength(1);
  });

  it('the database takes an intervention of every rule the catalogue names', async () => {
    const run = await newRun();
    for (const rule of DIRECTOR_RULE_NAMES) {
      const applied = await applyIntervention(ctx, {
        rule,
        fingerprint: `catalogue:${rule}:${run.id}`,
        projectId: run.projectId,
        runId: run.id,
        evidence: {},
        summary: `a ${rule} warning`,
        plan: { kind: 'warn' },
      });
      expect(applied?.rule).toBe(rule);
    }
  });

  it('leaves a killed run alone', async () => {
    const run = await newRun({ budget: { tokens: 10 } });
    await spend(run.id, 100);
    await database.db.update(runs).set({ killedAt: sql`now()`, phase: 'killed' }).where(eq(runs.id, run.id));
    expect((await tickWith('budget')).filter((i) => i.runId === run.id)).toEqual([]);
  });
});
