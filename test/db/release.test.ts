/**
 * A run's end, as the seed designed it, on a real git repository with the scripted team and an in-process
 * worker (PGlite and PostgreSQL): its tests pass, a deploy approval is asked for at once, only a person
 * with an approver (or admin) token can decide it, and approved, the run branch is merged into the default
 * branch and the project's deploy command runs, its output in the deploy job's log. A failing deploy makes a
 * fix task and the run builds, tests and asks again; a rejected deploy leaves the run ready for commit.
 */
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/deps.ts';
import { approvals, findings, jobs, tasks } from '../../src/db/schema.ts';
import type { TokenRole } from '../../src/domain/access.ts';
import { detectSandbox } from '../../src/server/agent-setup.ts';
import { runTimeline } from '../../src/services/run-timeline.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { createToken } from '../../src/services/tokens.ts';
import { runGate } from '../../src/worker/gates.ts';
import { git } from '../../src/worker/git.ts';
import { type AgentWorld, apiOver, runEvents, startAgentWorld, waitFor } from '../support/agents.ts';
import { oneTaskPasses, planOne, reviewersPass } from '../support/release-recipe.ts';

let world: AgentWorld;
let app: Api;
const tokens = {} as Record<TokenRole, string>;

beforeAll(async () => {
  world = await startAgentWorld();
  for (const role of ['admin', 'approver', 'worker', 'operator'] as const)
    tokens[role] = (await createToken(world.ctx, { name: `${role}-token`, role })).token;
  app = await apiOver(world);
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

type Json = Record<string, unknown>;

async function call(method: 'GET' | 'POST', url: string, role: TokenRole | null, payload?: object) {
  const response = await app.inject({
    method,
    url,
    headers: role ? { authorization: `Bearer ${tokens[role]}` } : {},
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json<Json>() };
}

async function phaseOf(runId: number) {
  return (await getRun(world.database.db, runId)).phase;
}

function reachPhase(runId: number, phase: string, ms = 60_000) {
  return waitFor(`run ${runId} to reach ${phase}`, async () => (await phaseOf(runId)) === phase, ms);
}

async function pendingDeploy(runId: number) {
  const [pending] = await world.database.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.runId, runId), eq(approvals.kind, 'deploy'), eq(approvals.state, 'pending')));
  return pending;
}

function decide(approvalId: number, role: TokenRole | null, decision: 'approve' | 'reject', note?: string) {
  return call('POST', `/api/approvals/${approvalId}/decide`, role, { decision, ...(note ? { note } : {}) });
}

const main = (args: string[]) => git(world.repo, args);

describe('release: ready_for_commit -> awaiting_approval -> deploying -> deployed', () => {
  it('asks for approval at once, refuses a worker and a sandboxed script, and merges and deploys when approved', async () => {
    const projectId = await world.project(
      'release',
      [planOne('answer'), ...oneTaskPasses('answer')],
      {},
      { deployCommand: 'echo "deploying $(head -1 docs/answer.md)" && echo DEPLOY-MARKER-$((6*7))' },
    );
    const mainBefore = await main(['rev-parse', 'main']);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add answer' });
    await reachPhase(run.id, 'awaiting_approval');

    const listed = await call('GET', `/api/approvals?run_id=${run.id}&state=pending`, 'approver');
    expect(listed.status).toBe(200);
    const [approval] = listed.body.items as Json[];
    expect(approval).toMatchObject({ kind: 'deploy', state: 'pending', run_id: run.id, task_id: null });
    expect(approval!.details).toMatchObject({
      diff: {
        base: 'main',
        head: run.branch,
        commits: expect.any(Number),
        files_changed: 3,
        files: ['docs/answer.md', 'src/answer.js', 'test/answer.test.js'],
      },
      test: { command: 'npm test', exit_code: 0, passed: true },
      open_findings: { total: 0, by_severity: {}, items: [] },
      usage: { agent_jobs: 5 },
    });
    const approvalId = approval!.id as number;

    // Nobody but a person with an approver's or admin's token decides: not a worker, not an anonymous call.
    expect((await decide(approvalId, 'worker', 'approve')).status).toBe(403);
    expect((await decide(approvalId, 'operator', 'approve')).status).toBe(403);
    expect((await decide(approvalId, null, 'approve')).status).toBe(401);
    // A script in an agent's sandbox has no token: the server's are not in its environment, and the data
    // folder (where the admin token file lives) is hidden from it.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    writeFileSync(join(world.workspace, 'admin-token'), `${tokens.admin}\n`, { mode: 0o600 });
    const sandbox = detectSandbox({ allowUnsandboxed: false });
    const script = `
      const fs = require('node:fs');
      let token = process.env.WH_TOKEN ?? '';
      try { token ||= fs.readFileSync(${JSON.stringify(join(world.workspace, 'admin-token'))}, 'utf8').trim(); } catch {}
      fetch('http://127.0.0.1:${port}/api/approvals/${approvalId}/decide', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
        body: JSON.stringify({ decision: 'approve' }),
      }).then((r) => console.log('token=' + (token ? 'found' : 'none') + ' status=' + r.status));`;
    // Where an agent runs: a worktree inside the data folder, the rest of which it cannot see.
    const worktree = join(world.workspace, 'worktrees', 'attack');
    mkdirSync(worktree, { recursive: true });
    writeFileSync(join(worktree, 'attack.cjs'), script);
    const attempt = await runGate('attack', 'node attack.cjs', {
      cwd: worktree,
      timeoutSeconds: 30,
      passEnv: [],
      hostEnv: { ...process.env, WH_TOKEN: tokens.approver },
      confinement: sandbox.bwrap
        ? {
            bwrap: sandbox.bwrap,
            worktree,
            programDirs: [],
            hidden: [world.workspace],
            gitDirs: [],
            network: true,
            homePath: join(world.workspace, 'homes', 'attack'),
            userHome: process.env.HOME ?? null,
            pathVariable: process.env.PATH ?? '',
          }
        : null,
    });
    expect(attempt.outputTail).toContain('token=none status=401');
    expect(await phaseOf(run.id)).toBe('awaiting_approval');
    expect((await pendingDeploy(run.id))?.id).toBe(approvalId);

    const approved = await decide(approvalId, 'approver', 'approve', 'ship it');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'approved',
      decided_by: 'approver-token',
      decision_note: 'ship it',
    });
    await reachPhase(run.id, 'deployed');

    // The default branch got the run as a merge commit: its parents are the old main and the run branch.
    const runHead = await main(['rev-parse', run.branch!]);
    const mainAfter = await main(['rev-parse', 'main']);
    expect((await main(['log', '-1', '--format=%P', 'main'])).split(' ')).toEqual([mainBefore, runHead]);
    expect(await main(['show', 'main:src/answer.js'])).toContain('return 42');
    expect((await getRun(world.database.db, run.id)).releasedCommit).toBe(mainAfter);
    // The user's checkout followed (it had main checked out, clean): its files are the merge's.
    expect(await main(['status', '--porcelain'])).toBe('');

    const [deployJob] = await world.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, run.id), eq(jobs.kind, 'deploy')));
    expect(deployJob).toMatchObject({ state: 'succeeded', role: 'cicd', exitCode: 0 });
    expect(deployJob!.log).toContain(`release: merged ${run.branch} into main as ${mainAfter}`);
    expect(deployJob!.log).toContain('deploying # answer()');
    expect(deployJob!.log).toContain('DEPLOY-MARKER-42');

    // Every phase change is one run.phase_changed event, in the order of the run's timeline.
    const { items: timeline } = await runTimeline(world.database.db, run.id);
    const phases = timeline.map((change) => change.toPhase);
    expect(phases).toEqual([
      'planning',
      'building',
      'testing',
      'ready_for_commit',
      'awaiting_approval',
      'deploying',
      'deployed',
    ]);
    const events = await runEvents(world.database, run.id);
    const changed = events
      .filter((event) => event.type === 'run.phase_changed')
      .map((event) => event.payload);
    expect(changed).toEqual(phases.slice(1).map((to, index) => ({ from: phases[index], to })));
    expect(events.find((event) => event.type === 'run.deployed')?.payload).toMatchObject({
      release_mode: 'merge',
      released_commit: mainAfter,
      deployed_with: 'command',
      exit_code: 0,
    });
  });

  it('a failing deploy makes a finding and a fix task; after the fix the run is tested, approved and deployed', async () => {
    const fix = 'Fix the failed deploy';
    const projectId = await world.project(
      'release-fails',
      [
        planOne('ready'),
        ...oneTaskPasses('ready'),
        { role: 'dev', task: fix, actions: [{ write: { path: 'DEPLOYABLE', content: 'yes\n' } }] },
        ...reviewersPass(fix),
      ],
      {},
      { deployCommand: 'test -f DEPLOYABLE || { echo "DEPLOYABLE is missing"; exit 3; }' },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add ready' });
    await reachPhase(run.id, 'awaiting_approval');
    const first = await pendingDeploy(run.id);
    expect((await decide(first!.id, 'approver', 'approve')).status).toBe(200);

    // The deploy fails; the run builds the fix, is tested and asks again.
    await waitFor('a second deploy approval', async () => {
      const pending = await pendingDeploy(run.id);
      return pending && pending.id !== first!.id ? pending : null;
    });
    const [finding] = await world.database.db
      .select()
      .from(findings)
      .where(and(eq(findings.runId, run.id), eq(findings.source, 'gate')));
    expect(finding).toMatchObject({ severity: 'high', status: 'open' });
    expect(finding!.issue).toContain('exited 3');
    expect(finding!.recommendation).toContain('DEPLOYABLE is missing');
    const fixTasks = await world.database.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.runId, run.id), eq(tasks.source, 'finding')));
    expect(fixTasks.map((task) => [task.id, task.title, task.priority, task.pipelineStage])).toEqual([
      [finding!.fixTaskId, expect.stringContaining(fix), 10, 'complete'],
    ]);
    const failedEvent = (await runEvents(world.database, run.id)).find((e) => e.type === 'run.deploy_failed');
    expect(failedEvent?.payload).toMatchObject({
      exit_code: 3,
      finding_id: finding!.id,
      fix_task_id: finding!.fixTaskId,
    });

    const second = await pendingDeploy(run.id);
    expect((await decide(second!.id, 'admin', 'approve')).status).toBe(200);
    await reachPhase(run.id, 'deployed');
    expect(await main(['show', 'main:DEPLOYABLE'])).toBe('yes');
    const { items: timeline } = await runTimeline(world.database.db, run.id);
    expect(timeline.map((change) => change.toPhase).slice(4)).toEqual([
      'awaiting_approval',
      'deploying',
      'building',
      'testing',
      'ready_for_commit',
      'awaiting_approval',
      'deploying',
      'deployed',
    ]);
  });

  it("deployed by the cicd agent: the deployment facts in its prompt, its report's evidence decides", async () => {
    const report = (status: string, exitCode: number) => ({
      report: {
        file: 'deploy_report.json',
        content: {
          status,
          summary: `deploy ${status}`,
          url: null,
          steps: [{ command: 'make deploy', exit_code: exitCode }],
        },
      },
    });
    const projectId = await world.project(
      'release-agent',
      [
        planOne('agentic'),
        ...oneTaskPasses('agentic'),
        // The first deploy claims success but a step failed: evidence, not its word, decides.
        { role: 'cicd', actions: [{ echo_prompt: true }, report('success', 2)] },
        {
          role: 'dev',
          task: 'Fix the failed deploy',
          actions: [{ write: { path: 'CHANGELOG.md', content: 'fixed\n' } }],
        },
        ...reviewersPass('Fix the failed deploy'),
        { role: 'cicd', actions: [report('success', 0)] },
      ],
      { release: { mode: 'none', deployWith: 'agent' } },
      { deployCommand: 'make deploy' },
    );
    const mainBefore = await main(['rev-parse', 'main']);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add agentic' });
    await reachPhase(run.id, 'awaiting_approval');
    const first = await pendingDeploy(run.id);
    await decide(first!.id, 'approver', 'approve');
    await waitFor('a second deploy approval', async () => {
      const pending = await pendingDeploy(run.id);
      return pending && pending.id !== first!.id ? pending : null;
    });
    const [firstDeploy] = await world.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, run.id), eq(jobs.kind, 'deploy')));
    expect(firstDeploy!.log).toContain('## Deployment');
    expect(firstDeploy!.log).toContain(`Approval: ${first!.id}, approved by approver-token`);
    expect(firstDeploy!.log).toContain('Released: not by Workhorse (release mode none)');
    const failed = (await runEvents(world.database, run.id)).find(
      (event) => event.type === 'run.deploy_failed',
    );
    expect(failed?.payload).toMatchObject({ deployed_with: 'agent', release_mode: 'none', command: null });

    await decide((await pendingDeploy(run.id))!.id, 'approver', 'approve');
    await reachPhase(run.id, 'deployed');
    // Release mode none: the default branch is the deploy's business, not Workhorse's.
    expect(await main(['rev-parse', 'main'])).toBe(mainBefore);
    expect((await getRun(world.database.db, run.id)).releasedCommit).toBeNull();
  });

  it('refuses a deploy folder inside the data folder before making it, and says why', async () => {
    // Through a symlink outside the data folder that leads into it: the real path decides.
    const inside = join(world.workspace, 'deploys');
    const link = join(world.root, 'looks-outside');
    symlinkSync(world.workspace, link);
    const deployDir = join(link, 'deploys');
    const projectId = await world.project(
      'release-deploy-dir',
      [planOne('dir'), ...oneTaskPasses('dir')],
      { release: { deployDir } },
      { deployCommand: 'echo deployed' },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add dir' });
    await reachPhase(run.id, 'awaiting_approval');
    const mainBefore = await main(['rev-parse', 'main']);
    expect((await decide((await pendingDeploy(run.id))!.id, 'approver', 'approve')).status).toBe(200);
    const deployJob = await waitFor('the deploy job to be refused', async () => {
      const [job] = await world.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.runId, run.id), eq(jobs.kind, 'deploy')));
      return job?.finishedAt ? job : null;
    });
    expect(deployJob.lastError).toContain(`overlaps the data folder ${realpathSync(world.workspace)}`);
    expect(existsSync(inside)).toBe(false);
    expect(await main(['rev-parse', 'main'])).toBe(mainBefore);
  }, 120_000);

  it('rejected, the run stays ready for commit with the reason; trigger-pipeline asks again; a new task builds', async () => {
    const projectId = await world.project('release-rejected', [planOne('later'), ...oneTaskPasses('later')]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add later' });
    await reachPhase(run.id, 'awaiting_approval');
    const mainBefore = await main(['rev-parse', 'main']);
    const pending = await pendingDeploy(run.id);
    const rejected = await decide(pending!.id, 'approver', 'reject', 'not before the release freeze ends');
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      decision_note: 'not before the release freeze ends',
    });
    expect(await phaseOf(run.id)).toBe('ready_for_commit');
    expect(await main(['rev-parse', 'main'])).toBe(mainBefore);
    const deployJobs = await world.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.runId, run.id), eq(jobs.kind, 'deploy')));
    expect(deployJobs).toEqual([]);
    // A decided approval stays decided.
    expect((await decide(pending!.id, 'approver', 'approve')).status).toBe(409);

    const triggered = await call('POST', `/api/runs/${run.id}/trigger-pipeline`, 'operator', {});
    expect(triggered.status).toBe(200);
    expect(await phaseOf(run.id)).toBe('awaiting_approval');
    const again = await pendingDeploy(run.id);
    expect(again!.id).not.toBe(pending!.id);
    expect(again!.details).toMatchObject({ test: { command: 'npm test', exitCode: 0, passed: true } });

    await decide(again!.id, 'approver', 'reject', 'needs a changelog');
    const added = await call('POST', '/api/tasks', 'operator', {
      run_id: run.id,
      title: 'Write a changelog',
    });
    expect(added.status).toBe(201);
    expect(await phaseOf(run.id)).toBe('building');
    const order = await world.database.db
      .select({ id: approvals.id, state: approvals.state })
      .from(approvals)
      .where(eq(approvals.runId, run.id))
      .orderBy(asc(approvals.id));
    expect(order.map((row) => row.state)).toEqual(['rejected', 'rejected']);
  });
});
