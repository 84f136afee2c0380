/**
 * A clean merge is not enough: each task merged into its run branch is checked by the project's test
 * command on the run branch as it then stands. Two tasks that each pass alone but break each other: the
 * second's merge turns the run red, so the run branch stays where it was and the task goes back to DEV with
 * the failure; DEV fixes it on top of the first task's work and the run goes on. Real git, the scripted
 * team, an in-process worker; PGlite and PostgreSQL.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings } from '../../src/db/schema.ts';
import { createRun, getRun } from '../../src/services/runs.ts';
import { createTask } from '../../src/services/tasks.ts';
import { git } from '../../src/worker/git.ts';
import { type AgentWorld, runEvents, startAgentWorld, TEST_PASS, waitFor } from '../support/agents.ts';
import { commitRepo } from '../support/git.ts';
import { reviewersPass } from '../support/release-recipe.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
  mkdirSync(join(world.repo, 'src'), { recursive: true });
  writeFileSync(join(world.repo, 'src', 'flag.js'), 'export const FLAG = 1;\n');
  await commitRepo(world.repo, 'a flag');
});

afterAll(async () => {
  await world?.close();
});

const flagTest = (value: number) =>
  TEST_PASS(
    `import { FLAG } from '../src/flag.js';\n\ntest('the flag', () => assert.equal(FLAG, ${value}));\n`,
  );

describe('the merge into the run branch', () => {
  it('keeps the run branch green: a merge that breaks it is undone and its task goes back to DEV', async () => {
    const pins = 'Pin the flag';
    const raises = 'Raise the flag';
    const projectId = await world.project('merge-check', [
      // The first task pins today's value in a test of its own.
      { role: 'dev', task: pins, actions: [{ write: { path: 'test/pin.test.js', content: flagTest(1) } }] },
      ...reviewersPass(pins),
      // The second raises it, with a test of its own, and takes its time in review: the first merges first.
      {
        role: 'dev',
        task: raises,
        actions: [
          { write: { path: 'src/flag.js', content: 'export const FLAG = 2;\n' } },
          { write: { path: 'test/flag.test.js', content: flagTest(2) } },
          { write: { path: 'docs/flag.md', content: '# FLAG\n\nIt is 2.\n' } },
        ],
      },
      {
        role: 'qa',
        task: raises,
        actions: [
          { run: 'sleep 4' },
          { report: { file: 'bugs.json', content: { status: 'pass', findings: [] } } },
        ],
      },
      // Back in DEV with the failure and the first task's test merged in: it updates the pin.
      { role: 'dev', task: raises, actions: [{ write: { path: 'test/pin.test.js', content: flagTest(2) } }] },
      ...reviewersPass(raises),
    ]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Raise the flag', skipPlanning: true });
    const first = await createTask(world.ctx, { runId: run.id, title: pins, files: ['test/pin.test.js'] });
    const second = await createTask(world.ctx, { runId: run.id, title: raises, files: ['src/flag.js'] });
    await waitFor(
      'the run to await its deploy approval',
      async () => (await getRun(world.database.db, run.id)).phase === 'awaiting_approval',
      90_000,
    );

    const [failure] = await world.database.db
      .select()
      .from(findings)
      .where(and(eq(findings.taskId, second.task.id), eq(findings.source, 'docs')));
    expect(failure!.issue).toBe(
      `with ${run.branch}-task-${second.task.id} merged, ${run.branch} fails \`npm test\` (exit 1); the run branch was left as it was`,
    );
    expect(failure!.recommendation).toContain('the flag');
    const moves = (await runEvents(world.database, run.id))
      .filter((event) => event.type === 'task.stage_result' && event.taskId === second.task.id)
      .map((event) => [event.payload.from, event.payload.to]);
    expect(moves).toContainEqual(['docs', 'dev']);

    // The red merge never reached the run branch: its history holds each task's merge once, the second's
    // after its fix, and the branch passes its tests.
    const subjects = (await git(world.repo, ['log', '--format=%s', run.branch!])).split('\n');
    expect(subjects.filter((subject) => subject.startsWith(`wh: merge ${run.branch}-task-`))).toEqual([
      `wh: merge ${run.branch}-task-${second.task.id}`,
      `wh: merge ${run.branch}-task-${first.task.id}`,
    ]);
    expect(await git(world.repo, ['show', `${run.branch}:test/pin.test.js`])).toContain('FLAG, 2');
  }, 120_000);
});
