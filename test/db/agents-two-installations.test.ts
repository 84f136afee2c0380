/**
 * Two installations on one repository (PGlite and PostgreSQL): each with its own database, data folder and
 * worker, both running a goal at once. Their run and task ids are alike (both start at 1), their branches,
 * refs and worktrees are not: each carries its installation's id, and neither job meets the other's
 * checkout ("already checked out").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { installationId } from '../../src/services/installation.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { git } from '../../src/worker/git.ts';
import {
  type AgentWorld,
  runJobs,
  runTasks,
  type Step,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { FIX_SUM, PLAN_SUM_ONLY, SUM_TEST } from '../support/agents-recipe.ts';

const passed = (file: string) => ({
  report: { file, content: { status: 'pass', summary: 'ok', findings: [] } },
});
const SUM_ONLY: Step[] = [
  PLAN_SUM_ONLY,
  {
    role: 'dev',
    task: 'sum',
    actions: [
      { write: { path: 'src/sum.js', content: FIX_SUM } },
      { write: { path: 'test/sum.test.js', content: SUM_TEST } },
    ],
  },
  { role: 'qa', task: 'sum', actions: [{ run: 'npm test' }, passed('bugs.json')] },
  { role: 'sec', task: 'sum', actions: [passed('security_report.json')] },
];

let first: AgentWorld;
let second: AgentWorld;

beforeAll(async () => {
  first = await startAgentWorld();
  second = await startAgentWorld({ repo: first.repo });
});

afterAll(async () => {
  await second?.close();
  await first?.close();
});

async function startSumRun(world: AgentWorld) {
  const projectId = await world.project('shared-repo', SUM_ONLY, { pipeline: ['dev', 'qa', 'sec'] });
  return (await createRun(world.ctx, { projectId, goal: 'Add sum' })).run;
}

/** Waits for testing; a job that failed on the way fails the test at once, with its error. */
function untilTesting(world: AgentWorld, runId: number) {
  return waitFor(
    'the run to reach testing',
    async () => {
      const failed = (await runJobs(world.database, runId)).find((job) => job.state === 'failed');
      if (failed) throw new Error(`job ${failed.id} failed: ${failed.lastError}`);
      return ['testing', 'ready_for_commit', 'awaiting_approval'].includes(
        (await getRun(world.database.db, runId)).phase,
      );
    },
    60_000,
  );
}

describe('a second installation on the same repository', () => {
  it('works on branches of its own, and both runs reach testing', async () => {
    const ids = [await installationId(first.database.db), await installationId(second.database.db)];
    expect(ids[0]).not.toBe(ids[1]);
    const runs = [await startSumRun(first), await startSumRun(second)];
    // Same ids in both databases: before installations had ids, both would have been wh/run-1.
    expect(runs[0]!.id).toBe(runs[1]!.id);
    await Promise.all([untilTesting(first, runs[0]!.id), untilTesting(second, runs[1]!.id)]);

    const worlds = [first, second];
    const branches = (await git(first.repo, ['branch', '--format=%(refname:short)'])).split('\n');
    for (const [index, world] of worlds.entries()) {
      const run = runs[index]!;
      expect(run.branch).toBe(`wh/${ids[index]}/run-${run.id}`);
      const [task] = await runTasks(world.database, run.id);
      expect(task!.pipelineStage).toBe('complete');
      const taskBranch = taskBranchName(run.branch!, task!.id);
      expect(branches).toEqual(expect.arrayContaining([run.branch, taskBranch]));
      expect(await git(first.repo, ['show', `${run.branch}:src/sum.js`])).toBe(FIX_SUM.trimEnd());
      expect(await git(first.repo, ['log', '--format=%s', run.branch!])).toContain(`wh: merge ${taskBranch}`);
      const errors = (await runJobs(world.database, run.id)).map((job) => job.lastError ?? '');
      expect(errors.filter((error) => error.includes('already checked out'))).toEqual([]);
    }
    // Every Workhorse branch in the repository is one of the two installations'.
    const ours = branches.filter((branch) => branch.startsWith('wh/'));
    expect(ours.length).toBe(4);
    for (const branch of ours)
      expect(
        ids.some((id) => branch.startsWith(`wh/${id}/`)),
        branch,
      ).toBe(true);
  });
});
