/**
 * A person's review through the worker and the API, on a real repository: with `review.required` a task
 * whose last stage passed waits before its merge; its diff against the run branch is read from git; sent
 * back with a line comment, the next DEV prompt carries the comment as a finding of source review; accepted,
 * its merge job merges it into the run branch and it completes.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/deps.ts';
import { findings } from '../../src/db/schema.ts';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { taskGitNames } from '../../src/services/run-git-names.ts';
import { createRun, setPaused } from '../../src/services/runs.ts';
import { createTask } from '../../src/services/tasks.ts';
import { createToken } from '../../src/services/tokens.ts';
import { git } from '../../src/worker/git.ts';
import {
  type AgentWorld,
  apiOver,
  PASS_REPORT,
  runEvents,
  runJobs,
  runTasks,
  type Step,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { FIX_SUM, PLAN_SUM_ONLY, SUM_TEST } from '../support/agents-recipe.ts';

const NAMED_SUM = 'export function sum(left, right) {\n  return left + right;\n}\n';
const COMMENT = 'Name the parameters left and right';

const reviewers: Step[] = [
  { role: 'qa', actions: [{ run: 'npm test' }, PASS_REPORT('bugs.json')] },
  { role: 'sec', actions: [PASS_REPORT('security_report.json')] },
  {
    role: 'docs',
    actions: [
      { write: { path: 'README.md', content: '# demo\n\nsum(a, b) adds.\n' } },
      PASS_REPORT('docs_report.json'),
    ],
  },
];

let world: AgentWorld;
let api: Api;

beforeAll(async () => {
  world = await startAgentWorld();
  api = await apiOver(world);
  token = (await createToken(world.ctx, { name: 'reviewer', role: 'operator' })).token;
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

let token: string;
const headers = () => ({ authorization: `Bearer ${token}` });

describe('a review before the merge', () => {
  it('holds the task, shows its diff, sends it back with a comment that reaches the prompt, and merges it once accepted', async () => {
    const projectId = await world.project(
      'review',
      [
        PLAN_SUM_ONLY,
        {
          role: 'dev',
          actions: [
            { write: { path: 'src/sum.js', content: FIX_SUM } },
            { write: { path: 'test/sum.test.js', content: SUM_TEST } },
          ],
        },
        ...reviewers,
        {
          role: 'dev',
          actions: [{ echo_prompt: true }, { write: { path: 'src/sum.js', content: NAMED_SUM } }],
        },
        ...reviewers,
      ],
      { review: { required: true } },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Add a sum function' });
    const awaiting = async () => {
      const [task] = await runTasks(world.database, run.id);
      return task?.reviewState === 'awaiting' && task;
    };
    const held = await waitFor('the task to await review', awaiting, 60_000);
    expect(held.pipelineStage).toBe('docs');
    const runBranch = run.branch!;
    const taskBranch = taskBranchName(runBranch, held.id);
    // Not merged: the run branch has no sum yet.
    expect(await git(world.repo, ['ls-tree', '--name-only', '-r', runBranch])).not.toContain('src/sum.js');
    const requested = (await runEvents(world.database, run.id)).filter(
      (event) => event.type === 'task.review_requested',
    );
    expect(requested).toHaveLength(1);
    expect(requested[0]!.payload).toMatchObject({ stage: 'docs', fix_task_ids: [] });

    const diff = await api.inject({ method: 'GET', url: `/api/tasks/${held.id}/diff`, headers: headers() });
    expect(diff.statusCode).toBe(200);
    const body = diff.json();
    expect(body).toMatchObject({
      task_id: held.id,
      run_branch: runBranch,
      task_branch: taskBranch,
      branches_found: true,
      head: await git(world.repo, ['rev-parse', taskBranch]),
      base: await git(world.repo, ['merge-base', runBranch, taskBranch]),
      truncated: false,
    });
    expect(body.files.map((file: { path: string; status: string }) => [file.path, file.status])).toEqual([
      ['README.md', 'modified'],
      ['src/sum.js', 'added'],
      ['test/sum.test.js', 'added'],
    ]);
    const sum = body.files.find((file: { path: string }) => file.path === 'src/sum.js');
    expect(sum).toMatchObject({ old_path: 'src/sum.js', additions: 3, deletions: 0 });
    expect(sum.hunks).toEqual([
      {
        header: '@@ -0,0 +1,3 @@',
        old_start: 0,
        old_lines: 0,
        new_start: 1,
        new_lines: 3,
        lines: FIX_SUM.trimEnd()
          .split('\n')
          .map((text, index) => ({ kind: 'add', text, old_no: null, new_no: index + 1 })),
      },
    ]);
    const readme = body.files.find((file: { path: string }) => file.path === 'README.md');
    expect(readme.hunks[0].lines).toEqual([
      { kind: 'same', text: '# demo', old_no: 1, new_no: 1 },
      { kind: 'add', text: '', old_no: null, new_no: 2 },
      { kind: 'add', text: 'sum(a, b) adds.', old_no: null, new_no: 3 },
    ]);
    expect(body.stats).toEqual({
      files: 3,
      additions: body.files.reduce((sum: number, file: { additions: number }) => sum + file.additions, 0),
      deletions: 0,
    });
    expect(body.commits.map((commit: { subject: string }) => commit.subject)).toEqual([
      'wh(docs): Add a sum function',
      'wh(dev): Add a sum function',
    ]);

    const sentBack = await api.inject({
      method: 'POST',
      url: `/api/tasks/${held.id}/review/send-back`,
      headers: headers(),
      payload: { version: held.version, comments: [{ file: 'src/sum.js', line: 1, body: COMMENT }] },
    });
    expect(sentBack.statusCode).toBe(200);
    expect(sentBack.json()).toMatchObject({
      change: { from: 'docs', to: 'dev', loop_back: true, task: { review_state: null } },
      findings: [
        { source: 'review', severity: 'high', issue: COMMENT, file: 'src/sum.js', line: 1, status: 'open' },
      ],
    });
    // Only a task awaiting review can be accepted.
    const early = await api.inject({
      method: 'POST',
      url: `/api/tasks/${held.id}/review/accept`,
      headers: headers(),
      payload: {},
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('WH_TASK_NOT_AWAITING_REVIEW');

    const again = await waitFor('the task to await review again', awaiting, 60_000);
    const devJobs = (await runJobs(world.database, run.id)).filter((job) => job.stage === 'dev');
    expect(devJobs).toHaveLength(2);
    expect(devJobs[1]!.log).toContain(`[high, from review] ${COMMENT}`);
    expect(devJobs[1]!.log).toContain('src/sum.js:1');

    const accepted = await api.inject({
      method: 'POST',
      url: `/api/tasks/${again.id}/review/accept`,
      headers: headers(),
      payload: { version: again.version },
    });
    expect(accepted.statusCode).toBe(200);
    const { merge_job_id: mergeJobId, task } = accepted.json();
    expect(task.review_state).toBe('accepted');
    await waitFor('the accepted task to complete', async () => {
      const [now] = await runTasks(world.database, run.id);
      return now?.pipelineStage === 'complete';
    });
    const mergeJob = (await runJobs(world.database, run.id)).find((job) => job.id === mergeJobId);
    expect(mergeJob).toMatchObject({ kind: 'merge', stage: 'docs', state: 'succeeded' });
    expect(await git(world.repo, ['show', `${runBranch}:src/sum.js`])).toBe(NAMED_SUM.trimEnd());
    const open = await world.database.db
      .select()
      .from(findings)
      .where(and(eq(findings.taskId, held.id), eq(findings.source, 'review')));
    expect(open.map((finding) => finding.status)).toEqual(['fixed']);
  }, 240_000);

  it('answers a task that has no branch yet with an empty diff', async () => {
    const projectId = await world.project('no-branch', []);
    const { run } = await createRun(world.ctx, { projectId, goal: 'not started', skipPlanning: true });
    // Paused, its task's job is held: no worker makes a branch for it.
    await setPaused(world.ctx, run.id, true);
    const { task } = await createTask(world.ctx, { runId: run.id, title: 'not started' });
    const diff = await api.inject({ method: 'GET', url: `/api/tasks/${task!.id}/diff`, headers: headers() });
    expect(diff.json()).toMatchObject({
      branches_found: false,
      files: [],
      commits: [],
      base: null,
      head: null,
    });
  });

  it('answers 409 with both branch names when the branches share no history, and changes nothing', async () => {
    const projectId = await world.project('unrelated', []);
    const { run } = await createRun(world.ctx, { projectId, goal: 'rewritten', skipPlanning: true });
    await setPaused(world.ctx, run.id, true);
    const { task } = await createTask(world.ctx, { runId: run.id, title: 'rewritten' });
    const names = await taskGitNames(world.ctx.db, task!.id);
    const taskBranch = taskBranchName(names.runBranch!, task!.id);
    // Two root commits, as if someone force-pushed an unrelated history onto one of the branches.
    const identity = ['-c', 'user.name=t', '-c', 'user.email=t@t'];
    const tree = await git(names.repository, ['write-tree']);
    for (const [branch, message] of [
      [names.runBranch!, 'one root'],
      [taskBranch, 'another root'],
    ] as const) {
      const commit = await git(names.repository, [...identity, 'commit-tree', tree, '-m', message]);
      await git(names.repository, ['update-ref', `refs/heads/${branch}`, commit]);
    }
    const refsBefore = await git(names.repository, ['for-each-ref']);
    const diff = await api.inject({ method: 'GET', url: `/api/tasks/${task!.id}/diff`, headers: headers() });
    expect(diff.statusCode).toBe(409);
    expect(diff.json()).toEqual({
      error: {
        code: 'WH_TASK_DIFF_UNAVAILABLE',
        message: `task ${task!.id}: its branch ${taskBranch} shares no history with the run branch ${names.runBranch}`,
        details: { task_id: task!.id, task_branch: taskBranch, run_branch: names.runBranch },
      },
    });
    expect(await git(names.repository, ['for-each-ref'])).toBe(refsBefore);
  });
});
