/**
 * Escalations and their decisions through the API: a task that goes back to dev five times has its next dev
 * job held behind a pending approval (which trigger-agent does not release); approving releases the job
 * (held again while its run is paused), rejecting cancels it; bad input and the wrong role change nothing.
 * Budget approvals: the limits a person raises are answered back, every one of them.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, jobs } from '../../src/db/schema.ts';
import type { TokenRole } from '../../src/domain/access.ts';
import type { Budget } from '../../src/domain/budget.ts';
import { applyIntervention } from '../../src/services/director.ts';
import { MAX_LOOP_BACKS } from '../../src/services/steps/escalate.ts';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
type Json = Record<string, any>;

let api: TestApi;
let projectId: number;

async function call(method: 'GET' | 'POST', url: string, payload?: unknown, role: TokenRole = 'admin') {
  const response = await api.app.inject({ method, url, headers: api.auth(role), payload: payload as object });
  return { status: response.statusCode, json: response.json<Json>() };
}

async function ok(method: 'GET' | 'POST', url: string, payload?: unknown, role: TokenRole = 'admin') {
  const { status, json } = await call(method, url, payload, role);
  expect([200, 201], JSON.stringify(json)).toContain(status);
  return json;
}

const run = () => newRun(api, projectId, 'escalate');

async function newTask(runId: number, title = 'never converges'): Promise<number> {
  return (await ok('POST', '/api/tasks', { run_id: runId, title })).id;
}

/** Fails the task's dev stage until it is escalated; returns the last advance-stage answer. */
async function escalate(taskId: number): Promise<Json> {
  let answer: Json = {};
  for (let trip = 1; trip <= MAX_LOOP_BACKS; trip += 1) {
    answer = await ok('POST', `/api/tasks/${taskId}/advance-stage`, {
      result: 'fail',
      notes: `trip ${trip}`,
    });
  }
  return answer;
}

async function pendingFor(taskId: number): Promise<Json> {
  const { items } = await ok('GET', '/api/approvals?state=pending');
  const found = items.filter((item: Json) => item.task_id === taskId);
  expect(found).toHaveLength(1);
  return found[0];
}

async function jobOf(jobId: number) {
  const [job] = await api.database.db.select().from(jobs).where(eq(jobs.id, jobId));
  return job!;
}

async function decidedEvents(approvalId: number) {
  return api.database.db
    .select({ actor: events.actor, payload: events.payload })
    .from(events)
    .where(
      and(
        eq(events.type, 'approval.decided'),
        sql`${events.payload}->>'approval_id' = ${String(approvalId)}`,
      ),
    );
}

beforeAll(async () => {
  api = await startTestApi();
  projectId = await newProject(api, 'approvals');
});

afterAll(async () => {
  await api?.close();
});

describe('escalations and approval decisions', () => {
  it('holds the fifth loop-back behind a pending approval that trigger-agent does not release', async () => {
    const runId = await run();
    const taskId = await newTask(runId);
    for (let trip = 1; trip < MAX_LOOP_BACKS; trip += 1) {
      await ok('POST', `/api/tasks/${taskId}/advance-stage`, { result: 'fail' });
    }
    expect((await ok('GET', '/api/approvals?state=pending')).items).toEqual([]);

    const last = await ok('POST', `/api/tasks/${taskId}/advance-stage`, { result: 'fail', notes: 'again' });
    const approval = await pendingFor(taskId);
    expect(approval).toMatchObject({
      run_id: runId,
      kind: 'escalation',
      task_id: taskId,
      state: 'pending',
      requested_by: 'workhorse',
      decided_by: null,
    });
    expect(approval.reason).toContain(`went back to dev ${MAX_LOOP_BACKS} times`);
    expect(last.job).toMatchObject({ id: approval.job_id, state: 'held', stage: 'dev' });
    expect(await jobOf(approval.job_id)).toMatchObject({ state: 'held', heldByPause: false });
    const [advanced] = await api.database.db
      .select({ payload: events.payload })
      .from(events)
      .where(and(eq(events.type, 'task.stage_advanced'), eq(events.jobId, approval.job_id)));
    expect(advanced!.payload).toMatchObject({ escalation_approval_id: approval.id, loop_back: true });

    // Another task's held job is released; the escalated one waits for its decision.
    const other = await newTask(runId, 'fine');
    const triggered = await ok('POST', `/api/runs/${runId}/trigger-agent`, {});
    expect(triggered.released_job_ids).not.toContain(approval.job_id);
    expect(triggered.released_job_ids).toHaveLength(1);
    expect((await jobOf(approval.job_id)).state).toBe('held');
    expect(other).toBeGreaterThan(taskId);
    const again = await call('POST', `/api/runs/${runId}/trigger-agent`, {});
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('WH_NOTHING_TO_TRIGGER');
  });

  it('approving releases the held job; the decision is recorded once and cannot be made twice', async () => {
    const taskId = await newTask(await run());
    await escalate(taskId);
    const approval = await pendingFor(taskId);
    const url = `/api/approvals/${approval.id}/decide`;

    for (const role of ['viewer', 'operator', 'worker'] as const) {
      const refused = await call('POST', url, { decision: 'approve' }, role);
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('WH_FORBIDDEN');
    }
    for (const body of [{ decision: 'maybe' }, {}, { decision: 'approve', note: 'x'.repeat(2001) }]) {
      const bad = await call('POST', url, body);
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('WH_VALIDATION_FAILED');
    }
    expect(await call('POST', '/api/approvals/999999/decide', { decision: 'approve' })).toEqual({
      status: 404,
      json: {
        error: {
          code: 'WH_APPROVAL_NOT_FOUND',
          message: 'approval 999999 not found',
          details: { id: 999999 },
        },
      },
    });
    expect(await pendingFor(taskId)).toEqual(approval);
    expect((await jobOf(approval.job_id)).state).toBe('held');

    const decided = await ok(
      'POST',
      url,
      { decision: 'approve', note: 'one more try, with the failing test named' },
      'approver',
    );
    expect(decided).toEqual({
      ...approval,
      state: 'approved',
      decided_by: 'approver-token',
      decision_note: 'one more try, with the failing test named',
      decided_at: expect.any(String),
    });
    expect(await jobOf(approval.job_id)).toMatchObject({ state: 'queued', heldByPause: false });
    expect(await decidedEvents(approval.id)).toEqual([
      {
        actor: 'approver-token',
        payload: {
          approval_id: approval.id,
          kind: 'escalation',
          state: 'approved',
          note: 'one more try, with the failing test named',
          job_state: 'queued',
        },
      },
    ]);

    expect(await call('POST', url, { decision: 'reject' })).toEqual({
      status: 409,
      json: {
        error: {
          code: 'WH_APPROVAL_DECIDED',
          message: `approval ${approval.id} is already approved`,
          details: { approval_id: approval.id, current_state: 'approved' },
        },
      },
    });
    expect(await decidedEvents(approval.id)).toHaveLength(1);
    expect((await jobOf(approval.job_id)).state).toBe('queued');
  });

  it('rejecting cancels the held job and leaves the task for a person', async () => {
    const taskId = await newTask(await run());
    await escalate(taskId);
    const approval = await pendingFor(taskId);

    const decided = await ok('POST', `/api/approvals/${approval.id}/decide`, { decision: 'reject' });
    expect(decided).toMatchObject({ state: 'rejected', decided_by: 'admin-token', decision_note: null });
    expect(await jobOf(approval.job_id)).toMatchObject({
      state: 'cancelled',
      lastError: 'escalation rejected by admin-token',
    });
    expect((await ok('GET', `/api/tasks/${taskId}`)).pipeline_stage).toBe('dev');
    expect((await decidedEvents(approval.id))[0]!.payload).toMatchObject({
      state: 'rejected',
      job_state: 'cancelled',
    });
  });

  it('approving on a paused run keeps the job held until the run resumes', async () => {
    const runId = await run();
    const taskId = await newTask(runId);
    await escalate(taskId);
    const approval = await pendingFor(taskId);
    await ok('POST', `/api/runs/${runId}/pause`, {});

    await ok('POST', `/api/approvals/${approval.id}/decide`, { decision: 'approve' }, 'approver');
    expect(await jobOf(approval.job_id)).toMatchObject({ state: 'held', heldByPause: true });
    await ok('POST', `/api/runs/${runId}/resume`, {});
    expect(await jobOf(approval.job_id)).toMatchObject({ state: 'queued', heldByPause: false });
  });

  it('voids a pending escalation when its held job is cancelled: nobody can approve a job that is gone', async () => {
    const taskId = await newTask(await run(), 'cancelled under its escalation');
    await escalate(taskId);
    const approval = await pendingFor(taskId);
    const cancelled = await ok('POST', `/api/jobs/${approval.job_id}/cancel`);
    expect(cancelled.state).toBe('cancelled');
    const { items } = await ok('GET', '/api/approvals?state=void');
    expect(items.find((item: Json) => item.id === approval.id)).toMatchObject({
      state: 'void',
      decided_by: 'workhorse',
    });
    const late = await call('POST', `/api/approvals/${approval.id}/decide`, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('WH_APPROVAL_DECIDED');
    const [event] = await api.database.db
      .select({ payload: events.payload })
      .from(events)
      .where(and(eq(events.type, 'job.cancelled'), eq(events.jobId, approval.job_id)));
    expect(event!.payload).toMatchObject({ voided_approvals: [approval.id] });
  });

  it('keeps one pending escalation per task: a newer one replaces the older, and a killed run voids it', async () => {
    const runId = await run();
    const taskId = await newTask(runId, 'escalated twice');
    await escalate(taskId);
    const first = await pendingFor(taskId);
    // Moved on by hand and failed again: a second escalation of the same task.
    await ok('POST', `/api/tasks/${taskId}/set-stage`, { stage: 'qa' });
    await ok('POST', `/api/tasks/${taskId}/advance-stage`, { result: 'fail', notes: 'again' });
    const second = await pendingFor(taskId);
    expect(second.id).not.toBe(first.id);
    const { items } = await ok('GET', '/api/approvals?state=void');
    expect(items.map((item: Json) => item.id)).toContain(first.id);

    await ok('POST', `/api/runs/${runId}/kill`);
    const after = await ok('GET', '/api/approvals?state=pending');
    expect(after.items.filter((item: Json) => item.task_id === taskId)).toEqual([]);
  });
});

describe('budget approvals', () => {
  /** A project whose settings hold `budget`, with a run and a task of it. */
  async function budgeted(name: string, budget: Record<string, unknown>) {
    const project = await ok('POST', '/api/projects', {
      name,
      repository: scratchRepository(),
      settings: { budget },
    });
    const runId = await newRun(api, project.id, name);
    const taskId = await newTask(runId, `${name} task`);
    return { projectId: project.id as number, runId, taskId };
  }

  /** The Director pausing the run (or the task) at its limits, as its budget rule does; the approval it opens. */
  async function pausedAt(
    at: { projectId: number; runId: number; taskId: number },
    scope: 'run' | 'task',
    budget: Budget,
  ): Promise<Json> {
    await applyIntervention(api.ctx, {
      rule: 'budget',
      fingerprint: `budget-api:${at.runId}:${scope}`,
      projectId: at.projectId,
      runId: at.runId,
      taskId: scope === 'task' ? at.taskId : null,
      evidence: { scope },
      summary: `paused at its ${scope} limits`,
      plan: {
        kind: 'pause',
        scope,
        reason: 'spent',
        budget,
        used: { tokens: 0, costUsd: null, wallSeconds: 0 },
      },
    });
    const { items } = await ok('GET', `/api/approvals?state=pending&run_id=${at.runId}`);
    const found = items.filter((item: Json) => item.kind === 'budget' && item.details.scope === scope);
    expect(found).toHaveLength(1);
    return found[0];
  }

  it("answers a run's and a task's own budget with every limit raised: tokens, cost and wall time", async () => {
    const at = await budgeted('budget-answers', {
      tokens: 100,
      costUsd: 1,
      wallSeconds: 60,
      task: { tokens: 10 },
    });
    const runApproval = await pausedAt(at, 'run', { tokens: 100, costUsd: 1, wallSeconds: 60 });
    expect(runApproval.details.budget).toEqual({ tokens: 100, cost_usd: 1, wall_seconds: 60 });
    await ok('POST', `/api/approvals/${runApproval.id}/decide`, {
      decision: 'approve',
      budget: { tokens: 1000, cost_usd: 5, wall_seconds: 3600 },
    });
    const taskApproval = await pausedAt(at, 'task', { tokens: 10 });
    await ok('POST', `/api/approvals/${taskApproval.id}/decide`, {
      decision: 'approve',
      budget: { tokens: 50, cost_usd: 0.5, wall_seconds: 600 },
    });

    const runBudget = { tokens: 1000, cost_usd: 5, wall_seconds: 3600 };
    expect((await ok('GET', `/api/runs/${at.runId}`)).budget).toEqual(runBudget);
    const runs = await ok('GET', `/api/runs?project_id=${at.projectId}`);
    expect(runs.items.find((item: Json) => item.id === at.runId).budget).toEqual(runBudget);
    const taskBudget = { tokens: 50, cost_usd: 0.5, wall_seconds: 600 };
    expect((await ok('GET', `/api/tasks/${at.taskId}`)).budget).toEqual(taskBudget);
    const tasks = await ok('GET', `/api/tasks?run_id=${at.runId}`);
    expect(tasks.items.find((item: Json) => item.id === at.taskId).budget).toEqual(taskBudget);
  });

  it('raises only the limits given: a wall-time limit outlives a token raise, and must be raised itself once spent', async () => {
    const at = await budgeted('budget-merge', {
      tokens: 100,
      costUsd: 1,
      wallSeconds: 60,
      task: { tokens: 10, wallSeconds: 30 },
      total: { tokens: 1000, costUsd: 2 },
    });
    // The run's jobs ran two minutes, past its 60 seconds; none of them was the task's.
    await api.database.db.insert(jobs).values({
      kind: 'stage',
      runId: at.runId,
      role: 'dev',
      state: 'succeeded',
      startedAt: sql`now() - interval '2 minutes'`,
      finishedAt: sql`now()`,
    });
    const runApproval = await pausedAt(at, 'run', { tokens: 100, costUsd: 1, wallSeconds: 60 });
    const tokensOnly = await call('POST', `/api/approvals/${runApproval.id}/decide`, {
      decision: 'approve',
      budget: { tokens: 1000 },
    });
    expect(tokensOnly.status).toBe(400);
    expect(tokensOnly.json.error).toMatchObject({
      code: 'WH_VALIDATION_FAILED',
      message: expect.stringMatching(/already spent/),
      details: { limits: expect.stringMatching(/1000 tokens \/ \$1 \/ 60s of wall time/) },
    });
    expect((await ok('GET', `/api/runs/${at.runId}`)).paused).toBe(true);

    const decided = await ok('POST', `/api/approvals/${runApproval.id}/decide`, {
      decision: 'approve',
      budget: { tokens: 1000, wall_seconds: 3600 },
    });
    expect(decided.state).toBe('approved');
    // The cost limit, not named, stays as it was (the project's, now the run's own).
    expect(await ok('GET', `/api/runs/${at.runId}`)).toMatchObject({
      paused: false,
      budget: { tokens: 1000, cost_usd: 1, wall_seconds: 3600 },
    });
    const [event] = await decidedEvents(runApproval.id);
    expect(event!.payload).toMatchObject({ budget: { tokens: 1000, cost_usd: 1, wall_seconds: 3600 } });

    const taskApproval = await pausedAt(at, 'task', { tokens: 10, wallSeconds: 30 });
    await ok('POST', `/api/approvals/${taskApproval.id}/decide`, {
      decision: 'approve',
      budget: { tokens: 50 },
    });
    expect((await ok('GET', `/api/tasks/${at.taskId}`)).budget).toEqual({ tokens: 50, wall_seconds: 30 });
  });

  it("raises the project's total by the limits given, keeping the others", async () => {
    const at = await budgeted('budget-total', { total: { tokens: 1000, costUsd: 2 } });
    await applyIntervention(api.ctx, {
      rule: 'budget',
      fingerprint: `budget-api:${at.runId}:project`,
      projectId: at.projectId,
      runId: at.runId,
      evidence: { scope: 'project' },
      summary: 'paused at its project total',
      plan: {
        kind: 'pause',
        scope: 'project',
        reason: 'spent',
        budget: { tokens: 1000, costUsd: 2 },
        used: { tokens: 0, costUsd: null, wallSeconds: 0 },
      },
    });
    const { items } = await ok('GET', `/api/approvals?state=pending&run_id=${at.runId}`);
    await ok('POST', `/api/approvals/${items[0].id}/decide`, {
      decision: 'approve',
      budget: { wall_seconds: 7200 },
    });
    const project = await ok('GET', `/api/projects/${at.projectId}`);
    expect(project.settings.budget).toEqual({ total: { tokens: 1000, costUsd: 2, wallSeconds: 7200 } });
  });
});
