/**
 * A Workhorse pipeline whose agents are real CLIs: a tiny Node project in a real git repository, an
 * in-process database, and an in-process Worker with the real agent handlers. The agents' environment
 * is `hostEnv` (the worker's only view of the host), so a test points them at a scripted model server
 * and an isolated HOME without touching this process's environment. Agents are confined with
 * bubblewrap where it works, as `wh serve` does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bubblewrapWorks, findBubblewrap } from '../../../src/agents/sandbox.ts';
import type { ProjectRoleSettings } from '../../../src/db/schema.ts';
import type { ServiceContext } from '../../../src/services/context.ts';
import { createProject } from '../../../src/services/projects.ts';
import { seedDefaultRoleConfigs } from '../../../src/services/role-configs.ts';
import { createRun } from '../../../src/services/runs.ts';
import { createTask } from '../../../src/services/tasks.ts';
import { git } from '../../../src/worker/git.ts';
import { createAgentHandlers } from '../../../src/worker/handlers/agents.ts';
import { BUILTIN_HANDLERS } from '../../../src/worker/handlers/index.ts';
import { Worker } from '../../../src/worker/worker.ts';
import { openTestDatabase, type TestDatabase } from '../database.ts';
import { commitRepo } from '../git.ts';

export type RoleSettings = Record<string, ProjectRoleSettings & { backend: string }>;

export interface PipelineWorld {
  root: string;
  repo: string;
  /** The agents' HOME. */
  home: string;
  database: TestDatabase;
  ctx: ServiceContext;
  sandboxed: boolean;
  /** A project on the repository, a run without planning, and one task that enters dev at once. */
  startTask(input: { name: string; roles: RoleSettings; passEnv?: string[] }): Promise<{
    runId: number;
    taskId: number;
    branch: string;
  }>;
  close(): Promise<void>;
}

const TEST_HEAD = "import test from 'node:test';\nimport assert from 'node:assert/strict';\n";

async function makeRepo(repo: string): Promise<void> {
  await git(tmpdir(), ['init', '-q', '-b', 'main', repo]);
  const pkg = { name: 'demo', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } };
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  mkdirSync(join(repo, 'test'));
  writeFileSync(join(repo, 'test', 'smoke.test.js'), `${TEST_HEAD}test('smoke', () => assert.ok(true));\n`);
  await commitRepo(repo, 'initial');
}

/** `hostEnv` gets PATH, HOME (a fresh folder) and LANG added; pass the model server's variables. */
export async function startPipelineWorld(hostEnv: Record<string, string>): Promise<PipelineWorld> {
  const root = mkdtempSync(join(tmpdir(), 'wh-pipeline-'));
  const repo = join(root, 'repo');
  const workspace = join(root, 'data');
  const home = join(root, 'home');
  mkdirSync(workspace);
  mkdirSync(home);
  await makeRepo(repo);
  const database = await openTestDatabase();
  const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  await seedDefaultRoleConfigs(ctx);
  const found = findBubblewrap();
  const bwrap = found && bubblewrapWorks(found) ? found : null;
  const logger = pino({ level: 'silent' });
  const handlers = createAgentHandlers({
    workspace,
    llmTimeoutSeconds: 60,
    autoTriggerAgents: true,
    bwrap,
    allowUnsandboxed: process.env.CI !== 'true',
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...hostEnv },
  });
  const worker = new Worker({
    database,
    handlers: { ...BUILTIN_HANDLERS, ...handlers },
    concurrency: 1,
    checkMs: 200,
    pollMs: 250,
    logger,
  });
  await worker.start();
  return {
    root,
    repo,
    home,
    database,
    ctx,
    sandboxed: bwrap !== null,
    async startTask({ name, roles, passEnv }) {
      const project = await createProject(ctx, {
        name,
        repository: repo,
        defaultBranch: 'main',
        testCommand: 'node --test',
        settings: { roles, ...(passEnv ? { passEnv } : {}) },
      });
      const { run } = await createRun(ctx, {
        projectId: project.id,
        goal: 'Add an add function',
        skipPlanning: true,
      });
      const { task } = await createTask(ctx, {
        runId: run.id,
        title: 'Add an add function',
        description: 'src/add.js exports add(a, b), with a test.',
        acceptance: ['add(2, 3) is 5'],
      });
      return { runId: run.id, taskId: task.id, branch: run.branch! };
    },
    async close() {
      await worker.stop(5000);
      await database.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
