/**
 * `wh gc` as a user runs it, on a data folder of its own (PGlite) and a real git repository: it removes the
 * worktree of a complete task, saying which branch keeps its commits and where its uncommitted changes were
 * saved; run again, it has nothing to remove. While a server holds the data folder it says so in one line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { finalWipRef, taskBranchName } from '../../src/domain/git-names.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { installationId } from '../../src/services/installation.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { setStage } from '../../src/services/task-stages.ts';
import { createTask } from '../../src/services/tasks.ts';
import { git, openRepository } from '../../src/worker/git.ts';
import { ensureRunBranch, ensureTaskWorktree } from '../../src/worker/worktrees.ts';
import { commitRepo } from '../support/git.ts';
import { killChildren, startServe, stop, tempDir, wh, within } from '../support/wh-process.ts';

afterEach(killChildren);

/** A data folder whose one run has a complete task with an uncommitted file left in its worktree. */
async function dataFolderWithLeftovers() {
  const root = tempDir();
  const repo = join(root, 'repo');
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  await commitRepo(repo, 'initial');
  const database = await openDatabase({ dataDir: join(dataDir, 'pglite') });
  try {
    await migrateDatabase(database);
    const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
    const project = await createProject(ctx, { name: 'gc', repository: repo });
    const { run } = await createRun(ctx, { projectId: project.id, goal: 'gc', skipPlanning: true });
    const { task } = await createTask(ctx, { runId: run.id, title: 'a task' });
    const { task: other } = await createTask(ctx, { runId: run.id, title: 'still working' });
    const repository = await openRepository(repo);
    await ensureRunBranch(repository, run.branch!, 'main');
    const worktree = await ensureTaskWorktree(repository, dataDir, run.branch!, task.id);
    await ensureTaskWorktree(repository, dataDir, run.branch!, other.id);
    writeFileSync(join(worktree.path, 'notes.txt'), 'not committed\n');
    await setStage(ctx, task.id, { stage: 'complete' });
    // No agent can still be winding down in it: its jobs ended two minutes ago.
    await database.db.execute(sql`update jobs set updated_at = now() - interval '2 minutes'`);
    return {
      repo,
      dataDir,
      worktree: worktree.path,
      branch: taskBranchName(run.branch!, task.id),
      wip: finalWipRef(await installationId(database.db), task.id),
    };
  } finally {
    await database.close();
  }
}

describe('wh gc', () => {
  it('removes what nothing will work in again and says where its work is kept', async () => {
    const left = await dataFolderWithLeftovers();
    const first = wh(['gc'], { WH_DATA_DIR: left.dataDir });
    expect(await within(first.exited, 60_000, 'wh gc')).toMatchObject({ code: 0 });
    expect(first.stdout()).toBe(
      `removed worktree ${left.worktree}: its commits stay on ${left.branch}; its uncommitted changes were saved at ${left.wip}\n`,
    );
    expect(await git(left.repo, ['show', `${left.wip}:notes.txt`])).toBe('not committed');

    const second = wh(['gc'], { WH_DATA_DIR: left.dataDir });
    expect(await within(second.exited, 60_000, 'wh gc again')).toMatchObject({ code: 0 });
    expect(second.stdout()).toBe('nothing to remove: every worktree may still be worked in\n');
  }, 120_000);

  it('refuses in one line while a server holds the data folder', async () => {
    const dataDir = tempDir();
    const server = await startServe(dataDir);
    const gc = wh(['gc'], { WH_DATA_DIR: dataDir });
    const exit = await within(gc.exited, 60_000, 'wh gc');
    expect(exit.code).not.toBe(0);
    expect(gc.stderr().trim().split('\n')).toHaveLength(1);
    expect(gc.stderr()).toMatch(/^wh: .*data folder/);
    await stop(server.wh);
  }, 120_000);
});
