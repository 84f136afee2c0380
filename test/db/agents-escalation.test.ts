/**
 * Escalation through the worker: a scripted DEV agent that leaves no change fails its stage on evidence
 * five times; the fifth failure holds the task's next dev job behind an escalation approval, which the
 * worker does not run until a person approves; then the sixth attempt does the work and the task moves on.
 */

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, findings, jobs } from '../../src/db/schema.ts';
import { decideApproval } from '../../src/services/approvals.ts';
import { claimJobs } from '../../src/services/queue/claim-job.ts';
import { createRun, killRun } from '../../src/services/runs.ts';
import { MAX_LOOP_BACKS } from '../../src/services/steps/escalate.ts';
import { triggerAgent, triggerPipeline } from '../../src/services/triggers.ts';
import {
  type AgentWorld,
  runEvents,
  runTasks,
  type Step,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { FIX_SUM, PLAN_SUM_ONLY } from '../support/agents-recipe.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('an escalation, through the worker', () => {
  it('holds the sixth dev attempt until a person approves, then the task goes on', async () => {
    const idle: Step = { role: 'dev', actions: [{ say: 'I looked at it and changed nothing' }] };
    const projectId = await world.project('escalation', [
      PLAN_SUM_ONLY,
      ...Array.from({ length: MAX_LOOP_BACKS }, () => idle),
      { role: 'dev', actions: [{ write: { path: 'src/sum.js', content: FIX_SUM } }] },
    ]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add a sum function' });

    const [approval] = await waitFor('the escalation', async () => {
      const rows = await world.database.db.select().from(approvals).where(eq(approvals.runId, run.id));
      return rows.length > 0 && rows;
    });
    const [task] = await runTasks(world.database, run.id);
    expect(approval).toMatchObject({ kind: 'escalation', state: 'pending', taskId: task!.id });
    expect(task).toMatchObject({ pipelineStage: 'dev', loopBacks: MAX_LOOP_BACKS });
    const results = (await runEvents(world.database, run.id)).filter(
      (event) => event.type === 'task.stage_result',
    );
    expect(results.map((event) => event.payload.escalation_approval_id)).toEqual([
      ...Array.from({ length: MAX_LOOP_BACKS - 1 }, () => null),
      approval!.id,
    ]);
    const found = await world.database.db.select().from(findings).where(eq(findings.taskId, task!.id));
    expect(found.map((finding) => finding.issue)).toContain('DEV left no changes on the task branch');

    // Nothing releases the held job while nobody decides: not a trigger, not the pipeline, not a claim.
    await expect(triggerAgent(world.ctx, run.id, 'dev')).rejects.toThrow(/no held dev jobs to trigger/);
    expect((await triggerPipeline(world.ctx, run.id)).releasedJobIds).not.toContain(approval!.jobId);
    const claimable = await claimJobs(
      world.database.db,
      { workerId: 'probe', kinds: ['stage'], leaseSeconds: 30 },
      10,
    );
    expect(claimable).toEqual([]);
    const [held] = await world.database.db.select().from(jobs).where(eq(jobs.id, approval!.jobId!));
    expect(held).toMatchObject({ state: 'held', stage: 'dev', startedAt: null });

    await decideApproval({ ...world.ctx, actor: 'lead' }, approval!.id, {
      decision: 'approve',
      note: 'once more',
    });
    await waitFor('the task to pass dev', async () => {
      const [now] = await runTasks(world.database, run.id);
      return now?.pipelineStage === 'qa';
    });
    const [ran] = await world.database.db.select().from(jobs).where(eq(jobs.id, approval!.jobId!));
    expect(ran).toMatchObject({ state: 'succeeded', stage: 'dev' });
    await killRun(world.ctx, run.id);
  });
});
