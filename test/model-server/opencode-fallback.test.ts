/**
 * opencode with no key at all falls back to its own hosted free models: the user's code would leave for a
 * provider nobody chose. Through Workhorse's adapter it does not. The real opencode runs in the sandbox
 * with its traffic sent through a recording proxy on 127.0.0.1 (which answers every request with 502), and
 * the credential check before start bypassed, so that the adapter's own config is what is tested.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opencodeBackend } from '../../src/agents/backends/opencode.ts';
import { runAgent } from '../../src/agents/runner.ts';
import { bubblewrapWorks, findBubblewrap } from '../../src/agents/sandbox.ts';
import type { AgentBackend } from '../../src/agents/types.ts';
import { git } from '../../src/worker/git.ts';
import { cliBin } from '../support/model-server/run-cli.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wh-opencode-fallback-'));
const worktree = join(root, 'worktree');
const found = findBubblewrap();
const bwrap = found && bubblewrapWorks(found) ? found : null;
/** The host opencode's hosted models are served from (its catalogue is on models.opencode.ai). */
const HOSTED_MODELS = 'opencode.ai:443';
/** Hosts the proxy was asked to connect to, in order. */
let connects: string[] = [];
let proxy: Server;
let proxyUrl = '';

beforeAll(async () => {
  await git(root, ['init', '-q', worktree]);
  proxy = createServer((_request, response) => response.writeHead(502).end());
  proxy.on('connect', (request, socket) => {
    connects.push(request.url ?? '');
    socket.on('error', () => {});
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

async function run(backend: AgentBackend, timeoutSeconds: number) {
  connects = [];
  // Once it has asked the hosted models, there is nothing more to see.
  const stop = new AbortController();
  const watch = setInterval(() => connects.includes(HOSTED_MODELS) && stop.abort(), 100);
  return runAgent({
    signal: stop.signal,
    backend: { ...backend, credentialProblem: () => null },
    binary: cliBin('opencode'),
    invocation: { prompt: 'Write hello.txt', cwd: worktree, model: null },
    timeoutSeconds,
    hostEnv: {
      PATH: process.env.PATH,
      HOME: join(root, 'home'),
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
    },
    passEnv: ['HTTPS_PROXY', 'HTTP_PROXY'],
    confinement: {
      bwrap,
      worktree,
      // Workhorse's own folder, as in production: the CLI's launcher finds its binary under node_modules.
      programDirs: [REPO_ROOT],
      hidden: [],
      gitDirs: [],
      network: true,
      homePath: join(root, 'private-home'),
      userHome: null,
      pathVariable: process.env.PATH ?? '',
    },
  }).finally(() => clearInterval(watch));
}

describe('opencode with no key', () => {
  it('asks its hosted models when started with its defaults (the threat)', { timeout: 30_000 }, async () => {
    const defaults: AgentBackend = {
      ...opencodeBackend,
      commandLine: (invocation, binary) => {
        const line = opencodeBackend.commandLine(invocation, binary);
        return { ...line, env: { ...line.env, OPENCODE_CONFIG_CONTENT: '{}' } };
      },
    };
    await run(defaults, 20);
    expect(connects).toContain(HOSTED_MODELS);
  });

  it("never does through Workhorse's adapter: it stops on its own and sends no prompt", {
    timeout: 30_000,
  }, async () => {
    const result = await run(opencodeBackend, 20);
    expect(result.timedOut).toBe(false);
    expect(result.summary.ok).toBe(false);
    expect(connects).not.toContain(HOSTED_MODELS);
  });
});
