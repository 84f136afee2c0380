/**
 * Killing a run while its DEV agent works (PGlite and PostgreSQL): the agent's process tree stops within
 * two seconds, and what it had written but not committed survives at the task's WIP ref after its
 * worktree is removed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/agents/process-tree.ts';
import { jobs } from '../../src/db/schema.ts';
import { taskBranchName, wipRef } from '../../src/domain/git-names.ts';
import { installationId } from '../../src/services/installation.ts';
import { createRun, killRun } from '../../src/services/runs.ts';
import { git, openRepository } from '../../src/worker/git.ts';
import { removeWorktree, worktreePath } from '../../src/worker/worktrees.ts';
import { type AgentWorld, runEvents, runTasks, startAgentWorld, waitFor } from '../support/agents.ts';
import { processesRunning } from '../support/processes.ts';

/** What the agent ends up running: unique to this test, so it is found by its command line. */
const SLEEP = ['sleep', `30.${process.pid}`];
const TASK = { key: 'slow', title: 'Build the slow thing', acceptance: ['it is built'] };
let world: AgentWorld;

beforeAll(async () => {
  world = await startAgentWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('killing a run while its agent works', () => {
  it('stops the agent within 2 s and keeps its uncommitted work at the WIP ref', async () => {
    const projectId = await world.project('kill', [
      { role: 'pm', actions: [{ report: { file: 'tasks.json', content: { tasks: [TASK] } } }] },
      {
        role: 'dev',
        actions: [
          { write: { path: 'src/partial.js', content: 'export const partial = true;\n' } },
          { run: `touch agent.started && exec ${SLEEP.join(' ')}` },
        ],
      },
    ]);
    const { run } = await createRun(world.ctx, { projectId, goal: 'Build something slow' });
    const [task] = await waitFor('the task to be planned', async () => {
      const list = await runTasks(world.database, run.id);
      return list.length > 0 ? list : null;
    });
    const worktree = worktreePath(world.workspace, run.branch!, `task-${task!.id}`);
    const sleeper = await waitFor('the agent to start sleeping', async () => {
      const found = existsSync(join(worktree, 'agent.started')) ? processesRunning(SLEEP) : [];
      return found.length === 1 ? found[0] : null;
    });
    const [dev] = await world.database.db.select().from(jobs).where(eq(jobs.taskId, task!.id));
    expect(dev).toMatchObject({ state: 'running', stage: 'dev' });
    expect(isAlive(sleeper)).toBe(true);

    const killedAt = Date.now();
    const { cancelledJobIds } = await killRun(world.ctx, run.id);
    expect(cancelledJobIds).toEqual([dev!.id]);
    await waitFor('the agent to stop', async () => !isAlive(sleeper), 2000);
    await waitFor(
      'the worker to let the job go',
      async () => !world.worker.activeJobIds.includes(dev!.id),
      2000,
    );
    expect(Date.now() - killedAt).toBeLessThan(2000);

    // The stage handler removes a killed run's worktree itself, saving what it held first.
    expect(existsSync(worktree)).toBe(false);
    const ref = wipRef(await installationId(world.database.db), task!.id, 1);
    expect(await removeWorktree(await openRepository(world.repo), worktree, task!.id, ref)).toBeNull();
    expect(await git(world.repo, ['show', `${ref}:src/partial.js`])).toBe('export const partial = true;');
    expect(await git(world.repo, ['rev-parse', `${ref}^`])).toBe(
      await git(world.repo, ['rev-parse', taskBranchName(run.branch!, task!.id)]),
    );

    const [after] = await world.database.db.select().from(jobs).where(eq(jobs.id, dev!.id));
    expect(after).toMatchObject({ state: 'cancelled', lastError: 'run killed' });
    const types = (await runEvents(world.database, run.id)).map((event) => event.type);
    expect(types).toContain('run.killed');
    expect(types).not.toContain('task.stage_result');
  });
});
