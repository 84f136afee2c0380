/**
 * The worktree sweep with real git and a real database: it removes only worktrees nothing will work in
 * again (a complete task's, planning once the run builds, all of an ended run's), saves a task worktree's
 * uncommitted changes first, keeps branches, and leaves alone what a job may still use or what it cannot
 * account for.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalWipRef, taskBranchName } from '../../src/domain/git-names.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { installationId } from '../../src/services/installation.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun, killRun } from '../../src/services/runs.ts';
import { setStage } from '../../src/services/task-stages.ts';
import { createTask } from '../../src/services/tasks.ts';
import { git, openRepository, type Repository } from '../../src/worker/git.ts';
import { sweepHomes, sweepWorktrees } from '../../src/worker/worktree-sweep.ts';
import {
  ensureRunBranch,
  ensureRunWorktree,
  ensureTaskWorktree,
  worktreePath,
} from '../../src/worker/worktrees.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { commitRepo } from '../support/git.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-sweep-'));
const repo = join(root, 'repo');
const workspace = join(root, 'data');
let database: TestDatabase;
let ctx: ServiceContext;
let projectId: number;
let repository: Repository;

async function newRun(): Promise<{ id: number; branch: string }> {
  const { run } = await createRun(ctx, { projectId, goal: 'sweep', skipPlanning: true });
  await ensureRunBranch(repository, run.branch!, 'main');
  return { id: run.id, branch: run.branch! };
}

async function newTask(run: { id: number; branch: string }, title: string): Promise<number> {
  const { task } = await createTask(ctx, { runId: run.id, title });
  await ensureTaskWorktree(repository, workspace, run.branch, task.id);
  return task.id;
}

/** The jobs' last activity moved two minutes back: no agent can still be winding down in them. */
async function settleJobs(runId: number): Promise<void> {
  await database.db.execute(
    sql`update jobs set updated_at = now() - interval '2 minutes' where run_id = ${runId}`,
  );
}

async function registeredWorktrees(): Promise<string[]> {
  const list = await git(repo, ['worktree', 'list', '--porcelain']);
  return list
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
  await git(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# sweep\n');
  await commitRepo(repo, 'initial');
  repository = await openRepository(repo);
  projectId = (await createProject(ctx, { name: 'sweep', repository: repo })).id;
});

afterAll(async () => {
  await database?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the worktree sweep', () => {
  it('removes what nothing will work in again, saving uncommitted work first, and keeps the rest', async () => {
    const installation = await installationId(database.db);
    const building = await newRun();
    const planning = worktreePath(workspace, building.branch, 'planning');
    mkdirSync(join(planning, '..'), { recursive: true });
    await git(repo, ['worktree', 'add', '--detach', planning, building.branch]);
    const integration = (await ensureRunWorktree(repository, workspace, building.branch)).path;
    const complete = await newTask(building, 'complete, with a stray note');
    const inDev = await newTask(building, 'still in dev (its job is held)');
    const justCompleted = await newTask(building, 'complete a moment ago');
    await setStage(ctx, complete, { stage: 'complete' });
    await settleJobs(building.id);
    await setStage(ctx, justCompleted, { stage: 'complete' });
    const completePath = worktreePath(workspace, building.branch, `task-${complete}`);
    writeFileSync(join(completePath, 'notes.txt'), 'not committed\n');

    const killed = await newRun();
    const killedTask = await newTask(killed, 'of a killed run');
    await ensureRunWorktree(repository, workspace, killed.branch);
    await killRun(ctx, killed.id);
    await settleJobs(killed.id);

    // Folders this database cannot account for: a run it does not have, and, in a data folder shared with
    // other installations, another one's folder for the killed run's id and a folder from before ids.
    const unknown = [
      join(workspace, 'worktrees', installation, 'run-999999', 'task-1'),
      join(
        workspace,
        'worktrees',
        installation === 'ffffffff' ? 'eeeeeeee' : 'ffffffff',
        `run-${killed.id}`,
        'integration',
      ),
      join(workspace, 'worktrees', `run-${killed.id}`, 'integration'),
    ];
    for (const folder of unknown) mkdirSync(folder, { recursive: true });

    const swept = await sweepWorktrees(database.db, workspace);

    expect(swept.map((s) => s.path).sort()).toEqual(
      [
        planning,
        completePath,
        worktreePath(workspace, killed.branch, `task-${killedTask}`),
        worktreePath(workspace, killed.branch, 'integration'),
      ].sort(),
    );
    const saved = finalWipRef(installation, complete);
    expect(saved).toBe(`refs/wh/${installation}/wip/task-${complete}/final`);
    expect(swept.find((s) => s.path === completePath)?.savedAt).toBe(saved);
    expect(await git(repo, ['show', `${saved}:notes.txt`])).toBe('not committed');
    for (const { path } of swept) expect(existsSync(path)).toBe(false);
    expect(existsSync(join(workspace, 'worktrees', installation, `run-${killed.id}`))).toBe(false);

    const kept = [
      integration,
      worktreePath(workspace, building.branch, `task-${inDev}`),
      worktreePath(workspace, building.branch, `task-${justCompleted}`),
    ];
    const registered = await registeredWorktrees();
    for (const path of kept) expect(registered).toContain(path);
    for (const { path } of swept) expect(registered).not.toContain(path);
    for (const folder of unknown) expect(existsSync(folder), folder).toBe(true);
    // Branches stay: the work is on them.
    for (const [run, task] of [
      [building, complete],
      [killed, killedTask],
    ] as const) {
      expect(await git(repo, ['branch', '--list', taskBranchName(run.branch, task)])).not.toBe('');
    }

    expect(await sweepWorktrees(database.db, workspace)).toEqual([]);
    await settleJobs(building.id);
    expect((await sweepWorktrees(database.db, workspace)).map((s) => s.path)).toEqual([
      worktreePath(workspace, building.branch, `task-${justCompleted}`),
    ]);
  });

  it("removes the private homes a dead worker left, never a running job's", async () => {
    const run = await newRun();
    const running = await newTask(run, 'its job is running');
    const [job] = await database.db
      .execute<{ id: number }>(
        sql`update jobs set state = 'running' where task_id = ${running} returning id::int as id`,
      )
      .then((result) => result.rows);
    const homes = join(workspace, 'homes');
    const kept = join(homes, `job-${job!.id}-agent`);
    const left = [join(homes, 'job-999999-agent'), join(homes, 'job-999999-test')];
    const other = join(homes, 'not-a-job-home');
    for (const dir of [kept, ...left, other]) mkdirSync(join(dir, '.codex'), { recursive: true });

    expect((await sweepHomes(database.db, workspace)).sort()).toEqual(left.sort());
    for (const dir of left) expect(existsSync(dir)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
