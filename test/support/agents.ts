/**
 * End-to-end agent tests: a tiny Node project in a real git repository, a recipe for the scripted backend,
 * and an in-process Worker with the real handlers (sandboxed where bubblewrap works, as in production).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import pino from 'pino';
import type { SandboxStatus } from '../../src/agents/sandbox.ts';
import { buildApp } from '../../src/api/app.ts';
import type { Api } from '../../src/api/deps.ts';
import type { Settings } from '../../src/config/settings.ts';
import type { ProjectSettings } from '../../src/db/schema.ts';
import { events, jobs, tasks } from '../../src/db/schema.ts';
import { detectSandbox, workerHandlers } from '../../src/server/agent-setup.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createProject } from '../../src/services/projects.ts';
import { seedDefaultRoleConfigs } from '../../src/services/role-configs.ts';
import { git } from '../../src/worker/git.ts';
import { Worker } from '../../src/worker/worker.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';
import { commitRepo } from './git.ts';

export type Action =
  | { write: { path: string; content: string } }
  | { report: { file: string; content: unknown } }
  | { run: string }
  | { say: string }
  | { echo_prompt: true };

export interface Step {
  role: 'pm' | 'dev' | 'qa' | 'sec' | 'docs' | 'cicd' | 'director';
  task?: string;
  actions: Action[];
  exit?: number;
  result?: string;
}

export interface AgentWorld {
  root: string;
  repo: string;
  workspace: string;
  database: TestDatabase;
  ctx: ServiceContext;
  worker: Worker;
  /** A project on the repository whose every role plays `steps` with the scripted backend. */
  project(
    name: string,
    steps: Step[],
    settings?: ProjectSettings,
    commands?: { deployCommand?: string },
  ): Promise<number>;
  close(): Promise<void>;
}

const ROLES = ['pm', 'dev', 'qa', 'sec', 'docs', 'cicd', 'director'] as const;

export const TEST_PASS = (file: string) =>
  `import test from 'node:test';\nimport assert from 'node:assert/strict';\n${file}`;

/** A reviewer's report that passes with no findings. */
export const PASS_REPORT = (file: string): Action => ({
  report: { file, content: { status: 'pass', summary: 'ok', findings: [] } },
});

async function makeRepo(repo: string): Promise<void> {
  await git(tmpdir(), ['init', '-q', '-b', 'main', repo]);
  writeFileSync(
    join(repo, 'package.json'),
    `${JSON.stringify({ name: 'demo', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  );
  writeFileSync(join(repo, 'README.md'), '# demo\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  mkdirSync(join(repo, 'test'));
  writeFileSync(join(repo, 'test', 'smoke.test.js'), TEST_PASS("test('smoke', () => assert.ok(true));\n"));
  await commitRepo(repo, 'initial');
}

/**
 * `sandbox` stands in for what the worker found at start (a machine without bubblewrap, say). `repo` is an
 * existing repository to work on (another world's: a second installation on the same repository), left in
 * place on close; without it the world makes its own.
 */
export async function startAgentWorld(
  options: { sandbox?: SandboxStatus; repo?: string } = {},
): Promise<AgentWorld> {
  const root = mkdtempSync(join(tmpdir(), 'wh-agents-'));
  const repo = options.repo ?? join(root, 'repo');
  const workspace = join(root, 'data');
  mkdirSync(workspace);
  if (!options.repo) await makeRepo(repo);
  const database = await openTestDatabase({ poolSize: 10 });
  const ctx: ServiceContext = { db: database.db, settings: { autoTriggerAgents: true }, actor: 'test' };
  await seedDefaultRoleConfigs(ctx);
  const settings: Settings = {
    autoTriggerAgents: true,
    // In CI agents must run confined: a machine without bubblewrap fails there instead of running them bare.
    allowUnsandboxed: process.env.CI !== 'true',
    webhookAllowPrivate: false,
    llmTimeoutSeconds: 60,
    gooseProvider: null,
    databaseUrl: database.url,
    dataDir: workspace,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
  };
  const logger = pino({ level: process.env.WH_TEST_LOG ?? 'silent' });
  const worker = new Worker({
    database,
    handlers: workerHandlers(settings, options.sandbox ?? detectSandbox(settings)),
    concurrency: 2,
    checkMs: 200,
    pollMs: 250,
    logger,
  });
  await worker.start();
  return {
    root,
    repo,
    workspace,
    database,
    ctx,
    worker,
    async project(name, steps, settings = {}, commands = {}) {
      const recipe = join(root, `${name}.recipe.json`);
      writeFileSync(recipe, JSON.stringify({ steps }, null, 2));
      const roles = Object.fromEntries(ROLES.map((role) => [role, { backend: 'scripted' }]));
      const project = await createProject(ctx, {
        name,
        repository: repo,
        defaultBranch: 'main',
        testCommand: 'npm test',
        ...commands,
        // Scripted agents need no model API: they run with no network at all.
        settings: { roles, scriptedRecipe: recipe, sandbox: { network: 'none' }, ...settings },
      });
      return project.id;
    },
    async close() {
      await worker.stop(5000);
      await database.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The real API over a world's database, as `wh serve` builds it, for tests that act as people do. */
export function apiOver(world: AgentWorld): Promise<Api> {
  return buildApp({
    database: world.database,
    settings: world.ctx.settings,
    dataDir: world.workspace,
    startedAt: new Date(),
    version: 'test',
    sandbox: detectSandbox({ allowUnsandboxed: false }),
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function runEvents(database: TestDatabase, runId: number) {
  return database.db.select().from(events).where(eq(events.runId, runId)).orderBy(asc(events.id));
}

export function runJobs(database: TestDatabase, runId: number) {
  return database.db.select().from(jobs).where(eq(jobs.runId, runId)).orderBy(asc(jobs.id));
}

export function runTasks(database: TestDatabase, runId: number) {
  return database.db.select().from(tasks).where(eq(tasks.runId, runId)).orderBy(asc(tasks.id));
}
