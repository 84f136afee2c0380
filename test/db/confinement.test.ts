/**
 * A hostile agent through the real worker (PGlite and PostgreSQL; bubblewrap must be there in CI): a
 * `command`-backend DEV agent that tries every escape that once worked on main, and more. It records what
 * it managed in a file the worker then commits, so the branch holds the evidence. Afterwards: every
 * attempt failed, no hook or fsmonitor it planted ran during the worker's own git calls, and a canary
 * secret in the server's environment appears in no agent environment, job log, event or API response,
 * even though the agent printed a file that holds it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/api/deps.ts';
import { jobs } from '../../src/db/schema.ts';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { createProject } from '../../src/services/projects.ts';
import { createRun } from '../../src/services/runs.ts';
import { createTask } from '../../src/services/tasks.ts';
import { createToken } from '../../src/services/tokens.ts';
import { git, openRepository } from '../../src/worker/git.ts';
import { ensureRunBranch, ensureTaskWorktree, worktreePath } from '../../src/worker/worktrees.ts';
import { type AgentWorld, apiOver, startAgentWorld, waitFor } from '../support/agents.ts';
import { commitRepo } from '../support/git.ts';

const CANARY = `wh-canary-${process.pid}-7c1e55d0`;
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ESCAPE_PROBE = join(PACKAGE_ROOT, `wh-escape-probe-${process.pid}`);
const realGitconfig = join(process.env.HOME ?? '/nonexistent', '.gitconfig');
let world: AgentWorld;
let app: Api;
let viewer: string;
let gitconfigBefore: string | null;
/** A process started with the canary in its environment, as `wh serve` is with its secrets. */
let serverLike: ChildProcess;

const readIfThere = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);

/** The hostile agent: each line tries one escape and records only what it got away with. */
function hostileScript(paths: {
  marker: string;
  adminToken: string;
  otherWorktree: string;
  repoGit: string;
}) {
  return [
    '#!/bin/sh',
    'r=escapes.txt; : > $r',
    `test -e /proc/${process.pid} && echo "saw the server's process" >> $r`,
    `test -r /proc/${serverLike.pid}/environ && echo "saw the server's environment file" >> $r`,
    `cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -q '${CANARY}' && echo "read the server's environment" >> $r`,
    `env | grep -q '${CANARY}' && echo "was given the canary" >> $r`,
    `cat /proc/*/root${paths.adminToken} >/dev/null 2>&1 && echo 'read the data folder through /proc' >> $r`,
    `touch /proc/1/root${ESCAPE_PROBE} 2>/dev/null && echo 'wrote through /proc' >> $r`,
    `cat ${paths.adminToken} >/dev/null 2>&1 && echo 'read the admin token' >> $r`,
    `cat ${paths.otherWorktree}/secret.txt >/dev/null 2>&1 && echo "read another task's worktree" >> $r`,
    `touch ${ESCAPE_PROBE} 2>/dev/null && echo 'wrote the installed package' >> $r`,
    'mount -o remount,rw / 2>/dev/null && echo "made / writable" >> $r',
    // Code the worker would run, were it to honour any of the git settings below.
    `printf '#!/bin/sh\\necho "$0" >> ${paths.marker}\\n' > evil.sh && chmod +x evil.sh`,
    `printf '[core]\\n\\tfsmonitor = %s/evil.sh\\n\\thooksPath = %s\\n' "$PWD" "$PWD" > ~/.gitconfig`,
    'for hook in post-commit reference-transaction pre-commit; do cp evil.sh $hook; done',
    `echo "gitdir: $PWD" > .git 2>/dev/null && echo 'rewrote its .git link' >> $r`,
    `cp evil.sh ${paths.repoGit}/hooks/post-commit 2>/dev/null && echo "planted a hook in the repository" >> $r`,
    `printf '[core]\\n\\tfsmonitor = %s/evil.sh\\n' "$PWD" >> ${paths.repoGit}/config 2>/dev/null && echo "changed the repository's config" >> $r`,
    'cat config/leak.txt',
    'echo "export const done = true;" > done.js',
    'exit 0',
  ].join('\n');
}

beforeAll(async () => {
  process.env.WH_CANARY_SECRET = CANARY;
  serverLike = spawn('sleep', ['300'], {
    env: { ...process.env, WH_CANARY_SECRET: CANARY },
    stdio: 'ignore',
  });
  gitconfigBefore = readIfThere(realGitconfig);
  world = await startAgentWorld();
  mkdirSync(join(world.repo, 'config'));
  writeFileSync(join(world.repo, 'config', 'leak.txt'), `the deploy key is ${CANARY}\n`);
  await commitRepo(world.repo, 'a file that holds a secret');
  writeFileSync(join(world.workspace, 'admin-token'), `${CANARY}-admin\n`);
  app = await apiOver(world);
  viewer = (await createToken(world.ctx, { name: 'viewer', role: 'viewer' })).token;
});

afterAll(async () => {
  delete process.env.WH_CANARY_SECRET;
  serverLike?.kill('SIGKILL');
  rmSync(ESCAPE_PROBE, { force: true });
  await app?.close();
  await world?.close();
});

describe('a hostile agent', () => {
  it('escapes nowhere, runs nothing through the worker, and leaks the canary nowhere', async () => {
    const marker = join(world.root, 'hostile-code-ran');
    const repo = await openRepository(world.repo);
    const agent = join(world.root, 'hostile-agent.sh');
    const project = await createProject(world.ctx, {
      name: 'hostile',
      repository: world.repo,
      defaultBranch: 'main',
      settings: { roles: { dev: { backend: 'command', binary: agent } }, sandbox: { network: 'none' } },
    });
    const { run } = await createRun(world.ctx, { projectId: project.id, goal: 'escape', skipPlanning: true });
    // Another task's worktree, with something in it, before the hostile one starts.
    await ensureRunBranch(repo, run.branch!, 'main');
    const held = { ...world.ctx, settings: { autoTriggerAgents: false } };
    const other = await createTask(held, { runId: run.id, title: 'Someone else' });
    const otherWorktree = await ensureTaskWorktree(repo, world.workspace, run.branch!, other.task.id);
    writeFileSync(join(otherWorktree.path, 'secret.txt'), 'not yours\n');
    writeFileSync(
      agent,
      hostileScript({
        marker,
        adminToken: join(world.workspace, 'admin-token'),
        otherWorktree: otherWorktree.path,
        repoGit: repo.gitDir,
      }),
    );
    chmodSync(agent, 0o755);

    const { task } = await createTask(world.ctx, { runId: run.id, title: 'Escape' });
    const dev = await waitFor('the DEV job to finish', async () => {
      const [row] = await world.database.db.select().from(jobs).where(eq(jobs.taskId, task.id));
      return row && ['succeeded', 'failed', 'dead'].includes(row.state) ? row : null;
    });
    expect(dev.state).toBe('succeeded');

    const branch = taskBranchName(run.branch!, task.id);
    expect(await git(world.repo, ['show', `${branch}:done.js`])).toBe('export const done = true;');
    // The agent's own record of what it got away with: nothing.
    expect(await git(world.repo, ['show', `${branch}:escapes.txt`])).toBe('');
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(ESCAPE_PROBE)).toBe(false);
    expect(readIfThere(realGitconfig)).toBe(gitconfigBefore);
    expect(readFileSync(join(repo.gitDir, 'config'), 'utf8')).not.toContain('evil.sh');
    expect(existsSync(join(repo.gitDir, 'hooks', 'post-commit'))).toBe(false);
    expect(
      readFileSync(join(worktreePath(world.workspace, run.branch!, `task-${task.id}`), '.git'), 'utf8'),
    ).toMatch(/^gitdir: .*\/worktrees\//);

    // The canary: masked in the log the agent printed it to, and nowhere in any answer or event.
    const get = async (url: string) => {
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${viewer}` },
      });
      expect(response.statusCode, url).toBe(200);
      return response.body;
    };
    const job = JSON.parse(await get(`/api/jobs/${dev.id}`));
    expect(job.log).toContain('the deploy key is [redacted]');
    const answers = [
      JSON.stringify(job),
      await get(`/api/jobs?run_id=${run.id}`),
      await get(`/api/events?run_id=${run.id}&limit=500`),
      await get(`/api/tasks/${task.id}`),
      await get(`/api/runs/${run.id}`),
    ];
    for (const answer of answers) expect(answer).not.toContain(CANARY);
    const stored = await world.database.db.execute<{ text: string }>(
      sql`select coalesce(string_agg(payload::text, ' '), '') as text from events`,
    );
    expect(stored.rows[0]!.text).not.toContain(CANARY);
  });
});
