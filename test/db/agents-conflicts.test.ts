/**
 * Two tasks that change the same lines of one file, end to end (PGlite and PostgreSQL): the second merged
 * into the run branch conflicts and goes back to DEV, where Workhorse has merged the run branch into its
 * worktree and named the conflicted file in the prompt; its agent resolves the conflict, and both tasks
 * reach the run branch with both changes and their history. An agent that leaves the markers fails DEV
 * without a commit; one that crashes is retried with the merge still in progress.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, jobs } from '../../src/db/schema.ts';
import { wipRef } from '../../src/domain/git-names.ts';
import { installationId } from '../../src/services/installation.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { git } from '../../src/worker/git.ts';
import {
  type AgentWorld,
  runEvents,
  runJobs,
  runTasks,
  startAgentWorld,
  waitFor,
} from '../support/agents.ts';
import { BOTH_GREETINGS, greetingTeam } from '../support/agents-conflict-recipe.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('two tasks editing the same lines', () => {
  it('resolves the conflict in DEV, with the run branch merged in by Workhorse, and merges both', async () => {
    // After the conflict the first DEV agent looks and leaves the markers; the next one resolves them.
    const projectId = await world.project(
      'conflicts',
      greetingTeam([{ actions: [{ echo_prompt: true }, { run: 'cat src/greetings.js' }] }]),
      // Tasks sharing files would otherwise wait for each other, and never conflict.
      { parallelOverlap: true },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Greet in English and in Spanish' });
    await waitFor(
      'the run to reach testing',
      async () =>
        ['testing', 'ready_for_commit', 'awaiting_approval'].includes(
          (await getRun(world.database.db, run.id)).phase,
        ),
      80_000,
    );
    const branch = run.branch!;
    const tasks = await runTasks(world.database, run.id);
    expect(tasks.map((task) => task.pipelineStage)).toEqual(['complete', 'complete']);
    // Both DEV agents worked at once: whichever was merged second is the one that conflicted.
    const second = tasks.find((task) => task.loopBacks > 0)!;
    const first = tasks.find((task) => task.loopBacks === 0)!;
    expect([first, second].map((task) => task?.loopBacks)).toEqual([0, 2]);

    const results = (await runEvents(world.database, run.id))
      .filter((event) => event.type === 'task.stage_result' && event.taskId === second.id)
      .map((event) => [event.payload.from, event.payload.to, event.payload.result]);
    expect(results).toEqual([
      ['dev', 'qa', 'pass'],
      ['qa', 'sec', 'pass'],
      ['sec', 'docs', 'pass'],
      ['docs', 'dev', 'fail'],
      ['dev', 'dev', 'fail'],
      ['dev', 'qa', 'pass'],
      ['qa', 'sec', 'pass'],
      ['sec', 'docs', 'pass'],
      ['docs', 'complete', 'pass'],
    ]);
    const [conflict, markers] = await world.database.db
      .select()
      .from(findings)
      .where(eq(findings.taskId, second.id))
      .orderBy(findings.id);
    expect(conflict).toMatchObject({ source: 'docs', severity: 'high', file: 'src/greetings.js' });
    expect(conflict!.issue).toBe(
      `merging ${branch}-task-${second.id} into ${branch} conflicts in src/greetings.js`,
    );
    expect(conflict!.recommendation).toContain(`Workhorse merges ${branch} into the task branch`);
    // The attempt that left the markers failed on them, committing nothing.
    expect(markers).toMatchObject({
      source: 'gate',
      severity: 'high',
      file: 'src/greetings.js',
      issue: 'conflict markers remain in src/greetings.js',
    });

    // Each DEV job after the conflict found it in its worktree and was told about it in its prompt.
    const devJobs = (await runJobs(world.database, run.id)).filter(
      (job) => job.taskId === second.id && job.stage === 'dev',
    );
    expect(devJobs.map((job) => job.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(devJobs[0]!.log).not.toContain('Merge conflicts to resolve first');
    for (const job of devJobs.slice(1)) {
      expect(job.log).toContain(
        `[workhorse] ${branch} is merged into the worktree with conflicts to resolve first: src/greetings.js`,
      );
      expect(job.log).toContain('## Merge conflicts to resolve first');
      expect(job.log).toContain(`Workhorse merged the run branch \`${branch}\` into this task's branch`);
      expect(job.log).toContain('- src/greetings.js');
    }
    expect(devJobs[1]!.log).toContain(`${'<'.repeat(7)} HEAD`);
    expect(devJobs[1]!.log).toContain(`${'>'.repeat(7)} ${branch}`);

    // The run branch holds both changes, both tasks' own commits, and the merge that resolved the conflict.
    expect(await git(world.repo, ['show', `${branch}:src/greetings.js`])).toBe(BOTH_GREETINGS.trim());
    const history = (await git(world.repo, ['log', '--format=%s|%P', branch])).split('\n');
    const subjects = history.map((line) => line.split('|')[0]);
    for (const task of [first, second]) {
      expect(subjects).toContain(`wh(dev): ${task.title}`);
      expect(subjects).toContain(`wh: merge ${branch}-task-${task.id}`);
    }
    // Its first change, and the merge its resolution concluded (both parents): the attempt that left the
    // markers committed nothing.
    const resolution = history.filter((line) => line.startsWith(`wh(dev): ${second.title}|`));
    expect(resolution.map((line) => line.split('|')[1]!.split(' ').length).sort()).toEqual([1, 2]);
    for (const file of [
      'test/greet-en.test.js',
      'test/greet-es.test.js',
      'docs/greet-en.md',
      'docs/greet-es.md',
    ])
      expect(await git(world.repo, ['cat-file', '-e', `${branch}:${file}`])).toBe('');
  }, 100_000);

  it('goes on with the merge in progress when the DEV agent resolving it failed and its job is retried', async () => {
    const projectId = await world.project(
      'conflicts-retry',
      greetingTeam([{ actions: [{ run: 'cat src/greetings.js' }], exit: 1, result: 'dev crashed' }]),
      { parallelOverlap: true },
    );
    const { run } = await createRun(world.ctx, { projectId, goal: 'Greet in English and in Spanish' });
    const retry = await waitFor(
      'the crashed DEV job to be retried',
      async () =>
        (await runEvents(world.database, run.id)).find((event) => event.type === 'job.retry_scheduled'),
      60_000,
    );
    // Move the backoff back instead of sleeping through it.
    await world.database.db
      .update(jobs)
      .set({ runAt: new Date() })
      .where(and(eq(jobs.id, retry.jobId!), eq(jobs.state, 'queued')));
    await waitFor(
      'the run to reach testing',
      async () =>
        ['testing', 'ready_for_commit', 'awaiting_approval'].includes(
          (await getRun(world.database.db, run.id)).phase,
        ),
      60_000,
    );
    const branch = run.branch!;
    const second = (await runTasks(world.database, run.id)).find((task) => task.loopBacks > 0)!;
    expect(second.loopBacks).toBe(1);
    const [retried] = await world.database.db.select().from(jobs).where(eq(jobs.id, retry.jobId!));
    expect(retried).toMatchObject({ taskId: second.id, stage: 'dev', state: 'succeeded', attempt: 2 });
    // The second attempt found the merge still in progress and the file still conflicted, and said so.
    const secondAttempt = retried!.log.slice(retried!.log.indexOf('(attempt 2;'));
    expect(secondAttempt).toContain(
      `[workhorse] ${branch} is merged into the worktree with conflicts to resolve first: src/greetings.js`,
    );
    expect(secondAttempt).toContain('## Merge conflicts to resolve first');
    expect(secondAttempt).toContain('- src/greetings.js');
    // The crashed attempt's view of the file, saved with its work: the markers Workhorse left.
    const wip = wipRef(await installationId(world.database.db), second.id, 1);
    expect(await git(world.repo, ['show', `${wip}:src/greetings.js`])).toContain(`${'<'.repeat(7)} HEAD`);
    expect(await git(world.repo, ['show', `${branch}:src/greetings.js`])).toBe(BOTH_GREETINGS.trim());
    const merges = (await git(world.repo, ['log', '--merges', '--format=%s', branch])).split('\n');
    expect(merges).toContain(`wh(dev): ${second.title}`);
  }, 100_000);
});
