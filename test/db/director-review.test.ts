/**
 * Course-correct notes and the Director's LLM review, through a real worker running the scripted backend
 * on a real repository: a person's note reaches the next agent's prompt once (that job's), not the jobs
 * after it; a review job's valid director_report.json becomes interventions of rule llm-review, an invalid
 * one fails the job with its reason and applies nothing; the schedule queues reviews only where it is set.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorInterventions, events, findings, jobs, tasks } from '../../src/db/schema.ts';
import { Director } from '../../src/director/director.ts';
import { REPORT_FILES } from '../../src/domain/reports.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { requestDirectorReview } from '../../src/services/director-review.ts';
import { createRun, killRun } from '../../src/services/runs.ts';
import { addTaskNote, listTaskNotes } from '../../src/services/task-notes.ts';
import { createTask } from '../../src/services/tasks.ts';
import { triggerAgent } from '../../src/services/triggers.ts';
import {
  type AgentWorld,
  PASS_REPORT,
  runEvents,
  type Step,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { FIX_SUM, SUM_TEST } from '../support/agents-recipe.ts';

let world: AgentWorld;
/** Jobs opened by people's changes wait (held) until triggered: the test decides when an agent starts. */
let held: ServiceContext;

beforeAll(async () => {
  world = await startAgentWorld();
  held = { ...world.ctx, settings: { autoTriggerAgents: false } };
});

afterAll(async () => {
  await world?.close();
});

async function jobOf(jobId: number) {
  const [job] = await world.database.db.select().from(jobs).where(eq(jobs.id, jobId));
  return job!;
}

const finished = (jobId: number) =>
  waitFor(`job ${jobId} to finish`, async () => {
    const job = await jobOf(jobId);
    return ['succeeded', 'failed', 'dead'].includes(job.state) && job;
  });

/** A run of one task whose DEV job waits for a trigger. */
async function runWithHeldTask(projectId: number) {
  const { run } = await createRun(held, { projectId, goal: 'Add a sum function', skipPlanning: true });
  const { task, job } = await createTask(held, { runId: run.id, title: 'Add a sum function' });
  expect(job!.state).toBe('held');
  return { run, task, devJob: job! };
}

const review = (interventions: unknown): Step => ({
  role: 'director',
  actions: [{ echo_prompt: true }, { report: { file: REPORT_FILES.director, content: { interventions } } }],
});

describe('a course-correct note', () => {
  it("goes into the next job's prompt, is recorded as delivered by it, and is not repeated after", async () => {
    const projectId = await world.project('notes', [
      {
        role: 'dev',
        actions: [
          { echo_prompt: true },
          { write: { path: 'src/sum.js', content: FIX_SUM } },
          { write: { path: 'test/sum.test.js', content: SUM_TEST } },
        ],
      },
      { role: 'qa', actions: [{ echo_prompt: true }, PASS_REPORT('bugs.json')] },
    ]);
    const { run, task, devJob } = await runWithHeldTask(projectId);
    const note = await addTaskNote({ ...world.ctx, actor: 'lead' }, task.id, 'Keep sum pure: no eval.');
    expect(note).toMatchObject({ source: 'person', author: 'lead', deliveredJobId: null });

    await triggerAgent(world.ctx, run.id, 'dev');
    expect((await finished(devJob.id)).state).toBe('succeeded');
    expect((await jobOf(devJob.id)).log).toContain('(from lead) Keep sum pure: no eval.');
    const [delivered] = await listTaskNotes(world.database.db, task.id);
    expect(delivered).toMatchObject({ id: note.id, deliveredJobId: devJob.id });
    expect(delivered!.deliveredAt).toBeInstanceOf(Date);

    const qaJob = await waitFor('the QA job', async () => {
      const [row] = await world.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.taskId, task.id), eq(jobs.stage, 'qa')));
      return row;
    });
    expect((await finished(qaJob.id)).state).toBe('succeeded');
    const qaLog = (await jobOf(qaJob.id)).log;
    expect(qaLog).toContain('## Notes from the Director (follow them; empty means none)');
    expect(qaLog).not.toContain('Keep sum pure');

    const types = (await runEvents(world.database, run.id)).map((event) => [event.type, event.payload]);
    expect(types).toContainEqual([
      'task.note_added',
      { note_id: note.id, source: 'person', author: 'lead', body: 'Keep sum pure: no eval.' },
    ]);
    expect(types).toContainEqual(['task.notes_delivered', { note_ids: [note.id] }]);
    await killRun(world.ctx, run.id);
  });
});

describe('the LLM review', () => {
  it('turns a valid report into interventions of rule llm-review, ignoring a task not in the run', async () => {
    const projectId = await world.project('review', []);
    const { run, task } = await runWithHeldTask(projectId);
    // The recipe is written again once the task's id is known: the report names it.
    const steps = [
      review([
        { kind: 'note', task_id: task.id, message: 'Write the failing test first.' },
        { kind: 'finding', task_id: task.id, severity: 'HIGH', message: 'src/sum.js builds code with eval.' },
        { kind: 'note', task_id: 999_999, message: 'not a task of this run' },
      ]),
    ];
    writeFileSync(join(world.root, 'review.recipe.json'), JSON.stringify({ steps }));

    const { job, created } = await requestDirectorReview(world.ctx, run.id, 'person');
    expect(created).toBe(true);
    expect(job).toMatchObject({ kind: 'director_review', role: 'director', taskId: null });
    // A second request while it waits or runs returns the same review.
    expect((await requestDirectorReview(world.ctx, run.id, 'person')).job.id).toBe(job.id);

    expect((await finished(job.id)).state).toBe('succeeded');
    const log = (await jobOf(job.id)).log;
    expect(log).toContain('## The run as it stands');
    // The snapshot, as the agent echoed it (JSON-escaped in its log): the task and its stage.
    expect(log).toContain(`\\"id\\": ${task.id},\\n      \\"title\\": \\"Add a sum function\\"`);

    const applied = await world.database.db
      .select()
      .from(directorInterventions)
      .where(eq(directorInterventions.runId, run.id))
      .orderBy(directorInterventions.id);
    expect(applied.map((row) => [row.rule, row.action, row.taskId, row.jobId])).toEqual([
      ['llm-review', 'note', task.id, job.id],
      ['llm-review', 'finding', task.id, job.id],
    ]);
    const [note] = await listTaskNotes(world.database.db, task.id);
    expect(note).toMatchObject({
      source: 'director',
      author: 'director',
      body: 'Write the failing test first.',
    });
    const [finding] = await world.database.db.select().from(findings).where(eq(findings.taskId, task.id));
    expect(finding).toMatchObject({
      source: 'director',
      severity: 'high',
      issue: 'src/sum.js builds code with eval.',
    });

    // One transaction, one event: the review's event names each intervention and what it did.
    const [reviewed] = await world.database.db
      .select()
      .from(events)
      .where(and(eq(events.runId, run.id), eq(events.type, 'director.reviewed')));
    expect(reviewed!.payload).toEqual({
      interventions: [
        {
          intervention_id: applied[0]!.id,
          rule: 'llm-review',
          action: 'note',
          task_id: task.id,
          outcome: { note_id: note!.id },
        },
        {
          intervention_id: applied[1]!.id,
          rule: 'llm-review',
          action: 'finding',
          task_id: task.id,
          outcome: { finding_id: finding!.id, moved_to: null },
        },
      ],
      ignored: 1,
      job: { kind: 'director_review', attempt: 1, state: 'succeeded' },
    });
    expect(applied.map((row) => row.evidence.outcome)).toEqual([
      { note_id: note!.id },
      { finding_id: finding!.id, moved_to: null },
    ]);
    const sameTransaction = await world.database.db.execute<{ type: string }>(
      sql`select type from events where xid = (select xid from events where id = ${reviewed!.id})`,
    );
    expect(sameTransaction.rows.map((row) => row.type)).toEqual(['director.reviewed']);
    await killRun(world.ctx, run.id);
  });

  it("requeues a jobless task, but not one awaiting a person's review", async () => {
    const projectId = await world.project('review-requeue', []);
    const { run, task: waiting, devJob } = await runWithHeldTask(projectId);
    const { task: idle, job: idleJob } = await createTask(held, { runId: run.id, title: 'Add a product' });
    // Both sit in DEV with no job left; the first passed it and waits for a person's review.
    await world.database.db
      .update(jobs)
      .set({ state: 'cancelled', finishedAt: sql`now()` })
      .where(inArray(jobs.id, [devJob.id, idleJob!.id]));
    await world.database.db.update(tasks).set({ reviewState: 'awaiting' }).where(eq(tasks.id, waiting.id));
    writeFileSync(
      join(world.root, 'review-requeue.recipe.json'),
      JSON.stringify({
        steps: [
          review([
            { kind: 'requeue', task_id: waiting.id, message: 'run its stage again' },
            { kind: 'requeue', task_id: idle.id, message: 'it sits idle' },
          ]),
        ],
      }),
    );

    const { job } = await requestDirectorReview(world.ctx, run.id, 'person');
    expect((await finished(job.id)).state).toBe('succeeded');
    // The requeued job may have run already (a worker is at work): any stage job not cancelled counts.
    const opened = await world.database.db
      .select({ taskId: jobs.taskId, stage: jobs.stage })
      .from(jobs)
      .where(and(eq(jobs.runId, run.id), eq(jobs.kind, 'stage'), ne(jobs.state, 'cancelled')));
    expect(opened).toEqual([{ taskId: idle.id, stage: 'dev' }]);
    const [reviewed] = await world.database.db
      .select()
      .from(events)
      .where(and(eq(events.runId, run.id), eq(events.type, 'director.reviewed')));
    expect(reviewed!.payload).toMatchObject({
      interventions: [{ action: 'requeue', task_id: idle.id }],
      ignored: 1,
    });
    await killRun(world.ctx, run.id);
  });

  it('fails the job with the reason and applies nothing when the report is invalid', async () => {
    const projectId = await world.project('review-invalid', [
      review([{ kind: 'rewrite-history', task_id: 1, message: 'force-push main' }]),
    ]);
    const { run } = await runWithHeldTask(projectId);
    const { job } = await requestDirectorReview(world.ctx, run.id, 'person');
    const failed = await finished(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatch(/^director review failed: director_report\.json.*kind/s);
    const applied = await world.database.db
      .select()
      .from(directorInterventions)
      .where(eq(directorInterventions.runId, run.id));
    expect(applied).toEqual([]);
    await killRun(world.ctx, run.id);
  });

  it('is refused where the project turns it off', async () => {
    const projectId = await world.project('review-off', [], {
      director: { rules: { 'llm-review': { enabled: false } } },
    });
    const { run } = await runWithHeldTask(projectId);
    await expect(requestDirectorReview(world.ctx, run.id, 'person')).rejects.toMatchObject({
      code: 'WH_DIRECTOR_OFF',
    });
    await killRun(world.ctx, run.id);
  });
});

describe('the scheduled review', () => {
  it("goes on to the other runs when one run's review cannot be asked for, and logs that once", async () => {
    const every = { director: { rules: { 'llm-review': { everyMinutes: 30 } } } };
    const refusing = await world.project('scheduled-refusing', [], every);
    const fine = await world.project('scheduled-fine', [review([])], every);
    // Read first (lower id), so the refusal comes before the other run's turn.
    const { run: refused } = await runWithHeldTask(refusing);
    const { run } = await runWithHeldTask(fine);
    // The database refuses that run's review job, as it would a run killed between the read and the request.
    await world.database.db.execute(
      sql.raw(`create function refuse_review() returns trigger language plpgsql as $$
        begin
          if new.kind = 'director_review' and new.run_id = ${refused.id} then
            raise exception 'run ${refused.id} is gone';
          end if;
          return new;
        end $$`),
    );
    await world.database.db.execute(
      sql`create trigger refuse_review before insert on jobs for each row execute function refuse_review()`,
    );
    const lines: string[] = [];
    const director = new Director({
      db: world.database.db,
      workspace: world.workspace,
      autoTriggerAgents: true,
      rules: [],
      logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
    });
    const reviewsOf = (runId: number) =>
      world.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'director_review')));
    try {
      await director.tick();
      const [queued] = await reviewsOf(run.id);
      expect(queued).toMatchObject({ role: 'director' });
      expect(await reviewsOf(refused.id)).toEqual([]);
      await director.tick();
      const warnings = lines.map((line) => JSON.parse(line) as { msg: string; run: number; err: unknown });
      expect(warnings).toEqual([
        expect.objectContaining({
          msg: "queueing a run's director review failed",
          run: refused.id,
          err: expect.objectContaining({ message: expect.stringContaining(`run ${refused.id} is gone`) }),
        }),
      ]);
      expect((await finished(queued!.id)).state).toBe('succeeded');
    } finally {
      await world.database.db.execute(sql`drop trigger refuse_review on jobs`);
      await world.database.db.execute(sql`drop function refuse_review()`);
      await director.stop();
      await killRun(world.ctx, run.id);
      await killRun(world.ctx, refused.id);
    }
  });

  it('queues a review every everyMinutes where it is set, and none where it is not', async () => {
    const empty = review([]);
    const scheduled = await world.project('scheduled', [empty, empty], {
      director: { rules: { 'llm-review': { everyMinutes: 30 } } },
    });
    const unscheduled = await world.project('unscheduled', []);
    const { run } = await runWithHeldTask(scheduled);
    const { run: quiet } = await runWithHeldTask(unscheduled);
    const director = new Director({
      db: world.database.db,
      workspace: world.workspace,
      autoTriggerAgents: true,
      rules: [],
    });
    const reviewsOf = (runId: number) =>
      world.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'director_review')))
        .orderBy(jobs.id);
    try {
      await director.tick();
      const [first] = await reviewsOf(run.id);
      expect(first).toMatchObject({ role: 'director' });
      expect(await reviewsOf(quiet.id)).toEqual([]);
      expect((await finished(first!.id)).state).toBe('succeeded');

      // Reviewed less than 30 minutes ago: nothing yet; backdated past it: the next review.
      await director.tick();
      expect(await reviewsOf(run.id)).toHaveLength(1);
      await world.database.db.execute(
        sql`update jobs set created_at = now() - interval '31 minutes' where id = ${first!.id}`,
      );
      await director.tick();
      expect(await reviewsOf(run.id)).toHaveLength(2);
      const requested = (await runEvents(world.database, run.id)).filter(
        (event) => event.type === 'director.review_requested',
      );
      expect(requested.map((event) => event.payload.requested_by)).toEqual(['schedule', 'schedule']);
    } finally {
      await director.stop();
      await killRun(world.ctx, run.id);
      await killRun(world.ctx, quiet.id);
    }
  });
});
