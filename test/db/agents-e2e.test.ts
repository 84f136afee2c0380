/**
 * The agents pipeline end to end (PGlite and PostgreSQL): a real git repository, the scripted backend
 * playing a recipe through the real runner and handlers, an in-process Worker. Every transition is read
 * back from the events table; the run branch is read back from git.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, jobs } from '../../src/db/schema.ts';
import { discardedRef, taskBranchName, wipRef } from '../../src/domain/git-names.ts';
import { installationId } from '../../src/services/installation.ts';
import { runGitNames } from '../../src/services/run-git-names.ts';
import { runTimeline } from '../../src/services/run-timeline.ts';
import { createRun, getRun, killRun } from '../../src/services/runs.ts';
import { git } from '../../src/worker/git.ts';
import { readRunBranches } from '../../src/worker/run-branches.ts';
import {
  type AgentWorld,
  runEvents,
  runJobs,
  runTasks,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import {
  FIX_SUM,
  PLAN,
  PLAN_SUM_ONLY,
  PRODUCT_STEPS,
  README_PRODUCT,
  SUM_STEPS,
} from '../support/agents-recipe.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
});

afterAll(async () => {
  await world?.close();
});

async function stageResults(runId: number) {
  return (await runEvents(world.database, runId))
    .filter((event) => event.type === 'task.stage_result')
    .map((event): Record<string, unknown> => ({ task: event.taskId, ...event.payload }));
}

describe('agents pipeline, end to end', () => {
  it('plans, loops back on a failing gate and a high SEC finding, merges, and starts testing', async () => {
    const projectId = await world.project('e2e', [PLAN, ...SUM_STEPS, ...PRODUCT_STEPS]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add sum and product functions' });
    // Testing, or past it when an integration_test handler took the job at once.
    await waitFor(
      'the run to reach testing',
      async () =>
        ['testing', 'ready_for_commit', 'awaiting_approval'].includes(
          (await getRun(world.database.db, run.id)).phase,
        ),
      50_000,
    );

    const all = await runEvents(world.database, run.id);
    const [first, second] = await runTasks(world.database, run.id);
    const planned = all.find((event) => event.type === 'run.planned');
    expect(planned?.payload).toMatchObject({
      from: 'planning',
      to: 'building',
      task_ids: { sum: first!.id, product: second!.id },
    });
    expect([first!.title, second!.title]).toEqual(['Add a sum function', 'Add a product function']);
    const { items: timeline } = await runTimeline(world.database.db, run.id);
    expect(timeline.map((change) => change.toPhase).slice(0, 3)).toEqual(['planning', 'building', 'testing']);

    const results = await stageResults(run.id);
    const moves = results.map((r) => [r.task, r.from, r.to, r.result, r.loop_backs]);
    const [a, b] = [first!.id, second!.id];
    expect(moves).toEqual([
      [a, 'dev', 'qa', 'pass', 0],
      [a, 'qa', 'dev', 'fail', 1],
      [a, 'dev', 'qa', 'pass', 1],
      [a, 'qa', 'sec', 'pass', 1],
      [a, 'sec', 'dev', 'fail', 2],
      [a, 'dev', 'qa', 'pass', 2],
      [a, 'qa', 'sec', 'pass', 2],
      [a, 'sec', 'docs', 'pass', 2],
      [a, 'docs', 'complete', 'pass', 2],
      [b, 'dev', 'qa', 'pass', 0],
      [b, 'qa', 'sec', 'pass', 0],
      [b, 'sec', 'docs', 'pass', 0],
      [b, 'docs', 'complete', 'pass', 0],
    ]);
    expect(results[1]!.reasons).toEqual([expect.stringMatching(/^gate test failed \(exit 1\): npm test$/)]);
    expect(results[4]!.reasons).toEqual([
      expect.stringMatching(/security_report.json says fail/),
      '1 high or critical finding(s)',
    ]);
    expect(results[8]).toMatchObject({ released_task_ids: [b], run_phase: 'building' });
    expect(results[12]).toMatchObject({ released_task_ids: [], run_phase: 'testing' });
    expect([first!.loopBacks, second!.loopBacks]).toEqual([2, 0]);
    expect([first!.pipelineStage, second!.pipelineStage]).toEqual(['complete', 'complete']);

    const found = await world.database.db.select().from(findings).where(eq(findings.runId, run.id));
    expect(found.map((f) => [f.taskId, f.source, f.severity, f.status, f.file])).toEqual([
      [a, 'qa', 'high', 'fixed', null],
      [a, 'sec', 'high', 'fixed', 'src/sum.js'],
    ]);
    expect(found[0]!.issue).toMatch(/^test gate failed: `npm test` exited 1/);
    expect(found[0]!.recommendation).toContain('sum adds');
    expect(results[1]!.finding_ids).toEqual([found[0]!.id]);

    const rows = await runJobs(world.database, run.id);
    const agentJobs = rows.filter((job) => job.kind === 'planning' || job.kind === 'stage');
    expect(agentJobs).toHaveLength(14);
    for (const job of agentJobs) {
      expect(job).toMatchObject({ state: 'succeeded', backend: 'scripted', exitCode: 0, attempt: 1 });
      expect(job.roleConfigId).not.toBeNull();
      expect(job.log).toContain('[workhorse] scripted as');
      expect(job.inputTokens).toBeGreaterThan(0);
    }
    const integration = rows.filter((job) => job.kind === 'integration_test');
    expect(integration).toHaveLength(1);
    expect(['queued', 'running', 'succeeded']).toContain(integration[0]!.state);

    // QA's own edit to the test (a weakened assertion) was set aside: it reached neither the gate nor a commit.
    const firstQa = agentJobs.find((job) => job.stage === 'qa')!;
    expect(firstQa.report).toMatchObject({ discarded_changes: ['test/sum.test.js'] });
    const discarded = discardedRef(await installationId(world.database.db), a, firstQa.id);
    expect(await git(world.repo, ['show', `${discarded}:test/sum.test.js`])).toContain('assert.ok(true)');
    // The run's branches and the set-aside change, as the API lists them from the repository.
    const listed = await readRunBranches(await runGitNames(world.database.db, run.id), world.workspace);
    expect(listed).toMatchObject({ repository: world.repo, repositoryFound: true });
    expect(listed.branches.map(({ branch, taskId, exists }) => [branch, taskId, exists])).toEqual([
      [run.branch, null, true],
      [taskBranchName(run.branch!, a), a, true],
      [taskBranchName(run.branch!, b), b, true],
    ]);
    expect(listed.refs).toContainEqual({
      ref: discarded,
      kind: 'discarded',
      taskId: a,
      head: await git(world.repo, ['rev-parse', discarded]),
    });

    const branch = run.branch!;
    expect(await git(world.repo, ['show', `${branch}:src/sum.js`])).toBe(FIX_SUM.trim());
    expect(await git(world.repo, ['show', `${branch}:README.md`])).toBe(README_PRODUCT.trim());
    const subjects = (await git(world.repo, ['log', '--format=%s', branch])).split('\n');
    expect(subjects).toContain(`wh: merge ${taskBranchName(branch, a)}`);
    expect(subjects).toContain(`wh: merge ${taskBranchName(branch, b)}`);
    expect(subjects.filter((s) => s.startsWith('wh(dev): Add a sum function'))).toHaveLength(3);
    const committed = await git(world.repo, ['log', '--branches', '--name-only', '--format=']);
    for (const report of ['tasks.json', 'bugs.json', 'security_report.json', 'docs_report.json'])
      expect(committed.split('\n')).not.toContain(report);
    expect(await git(world.repo, ['rev-parse', 'main'])).not.toBe(
      await git(world.repo, ['rev-parse', branch]),
    );
  }, 60_000);

  it('fails the planning job on an invalid tasks.json, with the parse error, creating no tasks', async () => {
    const projectId = await world.project('bad-plan', [
      { role: 'pm', actions: [{ report: { file: 'tasks.json', content: '{"tasks": [{"key": "a",' } }] },
    ]);
    const { run, job } = await createRun(world.ctx, { projectId, goal: 'Anything' });
    const failed = await waitFor('the planning job to fail', async () => {
      const [row] = await world.database.db.select().from(jobs).where(eq(jobs.id, job!.id));
      return row?.state === 'failed' ? row : null;
    });
    expect(failed).toMatchObject({ attempt: 1, backend: 'scripted', exitCode: 0 });
    expect(failed.lastError).toMatch(/^planning failed: tasks.json is not valid JSON: /);
    expect(await runTasks(world.database, run.id)).toEqual([]);
    expect((await getRun(world.database.db, run.id)).phase).toBe('planning');
    expect((await runEvents(world.database, run.id)).map((event) => event.type)).not.toContain('run.planned');
  });

  it('fails the attempt of an agent that exits 1 (retried, never a pass), keeping its partial work', async () => {
    const projectId = await world.project('flaky', [
      PLAN_SUM_ONLY,
      {
        role: 'dev',
        actions: [{ write: { path: 'half.js', content: 'export const half =' } }],
        exit: 1,
        result: 'dev crashed',
      },
      { role: 'dev', actions: [{ write: { path: 'src/sum.js', content: FIX_SUM } }] },
    ]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add a sum function' });
    const retry = await waitFor('the retry to be scheduled', async () =>
      (await runEvents(world.database, run.id)).find((event) => event.type === 'job.retry_scheduled'),
    );
    expect(String(retry.payload.error)).toMatch(/^agent failed: dev crashed/);
    // Move the backoff back instead of sleeping through it.
    await world.database.db
      .update(jobs)
      .set({ runAt: new Date() })
      .where(and(eq(jobs.id, retry.jobId!), eq(jobs.state, 'queued')));
    const [task] = await waitFor('the task to pass dev', async () => {
      const list = await runTasks(world.database, run.id);
      return list[0]?.pipelineStage === 'qa' ? list : null;
    });
    const [dev] = await world.database.db.select().from(jobs).where(eq(jobs.id, retry.jobId!));
    expect(dev).toMatchObject({ state: 'succeeded', attempt: 2, exitCode: 0 });
    const all = await runEvents(world.database, run.id);
    const types = all.filter((event) => event.jobId === dev!.id).map((event) => event.type);
    expect(types.indexOf('job.retry_scheduled')).toBeLessThan(types.indexOf('task.stage_result'));
    expect(all.filter((event) => event.type === 'task.stage_result')).toHaveLength(1);
    const wip = wipRef(await installationId(world.database.db), task!.id, 1);
    expect(await git(world.repo, ['show', `${wip}:half.js`])).toBe('export const half =');
    await killRun(world.ctx, run.id);
  });
});
