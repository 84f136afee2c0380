/**
 * The runner with the `command` backend and small shell scripts as agents: the environment is an allowlist,
 * output is scrubbed of secrets, timeouts and aborts stop the whole process tree, events stream live.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandBackend } from './backends/command.ts';
import { isAlive } from './process-tree.ts';
import { AgentSetupError, type RunAgentOptions, runAgent } from './runner.ts';
import type { AgentBackend, AgentEvent } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'wh-runner-'));
const CANARY = 'canary-4f1c9a7e2b';
const DB_URL = 'postgres://wh:hunter2-db-pass@db.internal:5432/wh';
const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: dir,
  WH_CANARY_SECRET: CANARY,
  DATABASE_URL: DB_URL,
  WH_ADMIN_TOKEN: 'admin-token-0123456789',
  PROJECT_API_KEY: 'project-key-abcdef123456',
  BACKEND_TOKEN: 'backend-token-9876543210',
};
let scripts = 0;

/** An executable shell script in the temp folder; its path is the agent's binary. */
function script(body: string): string {
  const path = join(dir, `agent-${++scripts}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function file(name: string): string {
  return join(dir, name);
}

async function until(probe: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return probe();
}

function readPid(name: string): number {
  return Number(readFileSync(file(name), 'utf8').trim());
}

function run(binary: string, extra: Partial<RunAgentOptions> = {}) {
  const output: string[] = [];
  const events: AgentEvent[] = [];
  const result = runAgent({
    backend: commandBackend,
    binary,
    invocation: { prompt: 'do the work', cwd: dir, model: null },
    timeoutSeconds: 20,
    hostEnv: HOST_ENV,
    killGraceMs: 500,
    onOutput: (chunk) => output.push(chunk),
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { result, output, events };
}

/** The command backend with backend keys, as a real CLI's backend declares them. */
const keyedBackend: AgentBackend = { ...commandBackend, envKeys: ['BACKEND_TOKEN', 'NOT_SET_KEY'] };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runAgent environment', () => {
  it('gives the agent an allowlist: host secrets stay out, backend and project keys pass when set', async () => {
    const agent = script(`env > "${file('env.txt')}"; echo done`);
    const { result } = run(agent, {
      backend: keyedBackend,
      passEnv: ['PROJECT_API_KEY', 'UNSET_PROJECT_VAR'],
    });
    expect((await result).summary.ok).toBe(true);
    const env = readFileSync(file('env.txt'), 'utf8');
    expect(env).not.toContain(CANARY);
    expect(env).not.toContain('hunter2-db-pass');
    expect(env).not.toMatch(/^(WH_CANARY_SECRET|DATABASE_URL|WH_ADMIN_TOKEN)=/m);
    expect(env).toMatch(/^PROJECT_API_KEY=project-key-abcdef123456$/m);
    expect(env).toMatch(/^BACKEND_TOKEN=backend-token-9876543210$/m);
    expect(env).not.toMatch(/^(UNSET_PROJECT_VAR|NOT_SET_KEY)=/m);
    expect(env).toMatch(/^PATH=/m);
  });

  it('redacts the keys it passed from the output, even when split across writes', async () => {
    const agent = script(
      [
        'echo "key is $PROJECT_API_KEY"',
        'printf "token: backend-tok"; sleep 0.2; printf "en-9876543210 end\\n"',
        'echo "stderr $BACKEND_TOKEN" >&2',
        'echo "canary is [$WH_CANARY_SECRET]"',
      ].join('\n'),
    );
    const { result, output } = run(agent, { backend: keyedBackend, passEnv: ['PROJECT_API_KEY'] });
    const done = await result;
    const text = output.join('');
    expect(done.summary.ok).toBe(true);
    expect(text).not.toContain('project-key-abcdef123456');
    expect(text).not.toContain('backend-token-9876543210');
    expect(text).toContain('key is [redacted]');
    expect(text).toContain('token: [redacted] end');
    expect(text).toContain('canary is []');
    expect(done.stderrTail).toBe('stderr [redacted]\n');
    expect(done.summary.finalText).not.toContain('project-key');
  });
});

describe('runAgent stopping', () => {
  it('stops a sleeping agent after timeoutSeconds and reports it as a failure', async () => {
    const started = Date.now();
    const { result } = run(script('echo starting; sleep 30'), { timeoutSeconds: 1 });
    const done = await result;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(done.timedOut).toBe(true);
    expect(done.exitCode).toBeNull();
    expect(done.summary.ok).toBe(false);
    expect(done.summary.error).toMatch(/timed out after 1 s/);
  });

  it('kills a grandchild that ignores SIGTERM when the agent times out', async () => {
    const agent = script(`sh -c 'trap "" TERM; sleep 300' &\necho $! > "${file('gc-timeout.pid')}"\nwait`);
    const { result } = run(agent, { timeoutSeconds: 1 });
    const done = await result;
    expect(done.timedOut).toBe(true);
    const grandchild = readPid('gc-timeout.pid');
    expect(await until(() => !isAlive(grandchild), 5000)).toBe(true);
  });

  it('kills the tree when the signal aborts, and says why', async () => {
    const agent = script(`sh -c 'trap "" TERM; sleep 300' &\necho $! > "${file('gc-abort.pid')}"\nwait`);
    const controller = new AbortController();
    const { result } = run(agent, { signal: controller.signal });
    expect(await until(() => existsSync(file('gc-abort.pid')), 5000)).toBe(true);
    const started = Date.now();
    controller.abort();
    const done = await result;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(done).toMatchObject({ aborted: true, timedOut: false });
    expect(done.summary.ok).toBe(false);
    expect(done.summary.error).toMatch(/cancelled or its lease was lost/);
    const grandchild = readPid('gc-abort.pid');
    expect(await until(() => !isAlive(grandchild), 5000)).toBe(true);
  });

  it('finishes when the agent exits, stopping what it left running behind it', async () => {
    const agent = script(`sh -c 'trap "" TERM; sleep 300' &\necho $! > "${file('gc-left.pid')}"\necho bye`);
    const started = Date.now();
    const done = await run(agent, { timeoutSeconds: 20 }).result;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(done).toMatchObject({ exitCode: 0, timedOut: false, aborted: false });
    expect(done.summary.ok).toBe(true);
    const leftover = readPid('gc-left.pid');
    expect(await until(() => !isAlive(leftover), 5000)).toBe(true);
  });
});

describe('runAgent results', () => {
  it('refuses to start a binary that is not installed, naming it, before anything runs', async () => {
    await expect(run(join(dir, 'no-such-agent')).result).rejects.toThrow(
      new RegExp(`^command: ${join(dir, 'no-such-agent')} is not installed here`),
    );
    await expect(run('no-such-agent-on-path').result).rejects.toBeInstanceOf(AgentSetupError);
  });

  it('fails on a non-zero exit, keeping the end of stderr', async () => {
    const done = await run(script('echo "broken config" >&2; exit 3')).result;
    expect(done).toMatchObject({ exitCode: 3, timedOut: false });
    expect(done.summary).toMatchObject({ ok: false, error: 'command: exited with code 3' });
    expect(done.stderrTail).toBe('broken config\n');
  });

  it('parses stdout lines into events as they arrive, before the agent exits', async () => {
    const agent = script(
      `echo first; echo second; while [ ! -f "${file('release')}" ]; do sleep 0.05; done; echo last`,
    );
    const { result, events } = run(agent);
    expect(await until(() => events.length >= 2, 5000)).toBe(true);
    expect(events).toEqual([
      { type: 'message', text: 'first' },
      { type: 'message', text: 'second' },
    ]);
    writeFileSync(file('release'), '');
    const done = await result;
    expect(done.summary.ok).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'message', text: 'last' });
    expect(done.summary.finalText).toBe('first\nsecond\nlast');
  });

  it('sends the prompt on stdin and runs in the worktree', async () => {
    const agent = script(`cat > "${file('prompt.txt')}"; pwd > "${file('cwd.txt')}"`);
    await run(agent).result;
    expect(readFileSync(file('prompt.txt'), 'utf8')).toBe('do the work');
    expect(readFileSync(file('cwd.txt'), 'utf8').trim()).toBe(dir);
  });
});
