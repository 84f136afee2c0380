/**
 * Each real agent CLI through its own adapter, as a project configures it: the adapter's command line,
 * the config it writes into the agent's private home, confined by bubblewrap like every agent, and pointed
 * at the scripted model server only by the role's `baseUrl` and `apiKeyEnv` settings. Each one, as DEV,
 * writes a file that the worker commits on the task's branch. And with no key at all, codex and opencode
 * fail their job in a moment, naming the key, with the network off and nothing sent anywhere.
 */

import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema.ts';
import { taskBranchName } from '../../src/domain/git-names.ts';
import { git } from '../../src/worker/git.ts';
import { waitFor } from '../support/agents.ts';
import { startModelServer } from '../support/model-server/index.ts';
import { type PipelineWorld, startPipelineWorld } from '../support/model-server/pipeline-world.ts';
import { cliBin } from '../support/model-server/run-cli.ts';
import { DUMMY_KEY, WRITE_HELLO } from '../support/model-server/scripted-run.ts';
import type { ModelServer } from '../support/model-server/types.ts';

let world: PipelineWorld | null = null;
let server: ModelServer | null = null;

afterEach(async () => {
  await world?.close();
  await server?.close();
  world = null;
  server = null;
});

interface Case {
  backend: string;
  /** The role's baseUrl, as that CLI's provider setting takes it. */
  baseUrl: (serverUrl: string) => string;
  model?: string;
  api: string;
}

const CASES: Case[] = [
  { backend: 'claude', baseUrl: (url) => url, api: 'anthropic' },
  // A model codex knows, so it offers its apply_patch tool.
  { backend: 'codex', baseUrl: (url) => `${url}/v1`, model: 'gpt-5.5', api: 'openai-responses' },
  { backend: 'opencode', baseUrl: (url) => `${url}/v1`, model: 'scripted-model', api: 'openai-chat' },
  { backend: 'gemini', baseUrl: (url) => url, api: 'gemini' },
];

async function devJob(w: PipelineWorld, taskId: number) {
  return waitFor(
    'the dev job to finish',
    async () => {
      // The dev job only: once it succeeds the task moves on, and the QA job (goose by default) follows.
      const [job] = await w.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.taskId, taskId), eq(jobs.stage, 'dev')));
      return job && ['succeeded', 'failed', 'dead'].includes(job.state) ? job : null;
    },
    90_000,
  );
}

describe('each CLI through its adapter, in the sandbox, pointed at an endpoint by baseUrl', () => {
  it.each(CASES)('$backend writes a file as DEV', { timeout: 120_000 }, async (c) => {
    server = await startModelServer(WRITE_HELLO);
    // Only the key the role names; no provider variable of any CLI is set.
    world = await startPipelineWorld({ SCRIPTED_GATEWAY_KEY: DUMMY_KEY, CLAUDE_CODE_MAX_RETRIES: '0' });
    const w = world;
    const { branch: runBranch, taskId } = await w.startTask({
      name: `adapter-${c.backend}`,
      roles: {
        dev: {
          backend: c.backend,
          binary: cliBin(c.backend),
          timeoutSeconds: 90,
          baseUrl: c.baseUrl(server.url),
          apiKeyEnv: 'SCRIPTED_GATEWAY_KEY',
          ...(c.model ? { model: c.model } : {}),
        },
      },
      passEnv: c.backend === 'claude' ? ['CLAUDE_CODE_MAX_RETRIES'] : [],
    });
    const job = await devJob(w, taskId);
    expect(job.state, `${job.lastError}\n${job.log}`).toBe('succeeded');
    expect(job.backend).toBe(c.backend);
    expect(job.log).toContain(`[workhorse] ${c.backend} as dev`);
    expect(job.log).toContain(w.sandboxed ? '; sandboxed)' : 'UNCONFINED');
    expect(w.sandboxed || process.env.CI !== 'true').toBe(true);
    const branch = taskBranchName(runBranch, taskId);
    expect(await git(w.repo, ['show', `${branch}:hello.txt`])).toBe('hello from the scripted model');
    const turns = server.requests.filter((r) => r.role === 'turn');
    expect(turns.length).toBeGreaterThan(0);
    expect(new Set(turns.map((r) => r.api))).toEqual(new Set([c.api]));
    expect(turns.filter((r) => r.problem !== null)).toEqual([]);
  });
});

describe('with no key and no network', () => {
  it.each(['codex', 'opencode'])(
    '%s fails its job at once, naming the key, and sends nothing',
    { timeout: 60_000 },
    async (backend) => {
      server = await startModelServer(WRITE_HELLO);
      world = await startPipelineWorld({});
      const w = world;
      const { taskId } = await w.startTask({
        name: `no-key-${backend}`,
        roles: {
          dev: { backend, binary: cliBin(backend), timeoutSeconds: 60, sandbox: { network: 'none' } },
        },
      });
      const started = Date.now();
      const job = await devJob(w, taskId);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(job).toMatchObject({ state: 'failed', attempt: 1 });
      expect(job.lastError).toMatch(
        backend === 'codex'
          ? /^codex: no credentials: set CODEX_API_KEY/
          : /^opencode: no provider key: set one of ANTHROPIC_API_KEY, OPENAI_API_KEY/,
      );
      expect(job.log).toContain(`[workhorse] ${backend} as dev`);
      expect(job.log).toContain('sandboxed, no network');
      expect(server.requests).toEqual([]);
    },
  );
});
