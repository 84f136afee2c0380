import { afterAll, describe, expect, it } from 'vitest';
import { feed, removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { codexBackend } from './codex.ts';

afterAll(removeFakeDirs);

const THREAD = '0199a213-81c0-7800-8aa1-bbab2a035a53';
const base = { prompt: 'Fix the tests', cwd: '/repo/wt-12', model: null };
const EXEC = ['exec', '--json', '-C', '/repo/wt-12', '--sandbox', 'workspace-write', '--skip-git-repo-check'];

const completed = (item: Record<string, unknown>) => ({ type: 'item.completed', item });
const turn = (input: number, output: number) => ({
  type: 'turn.completed',
  usage: { input_tokens: input, cached_input_tokens: 10, output_tokens: output },
});

describe('codex commandLine', () => {
  it('runs exec --json in the worktree with workspace-write and the prompt on stdin', () => {
    expect(codexBackend.commandLine(base, 'codex')).toEqual({
      command: 'codex',
      args: [...EXEC, '-'],
      stdin: 'Fix the tests',
      env: {},
    });
  });

  it("leaves sandboxing to Workhorse's sandbox when it confines codex (codex's own cannot nest in it)", () => {
    const line = codexBackend.commandLine({ ...base, confined: true }, 'codex');
    expect(line.args.slice(4, 6)).toEqual(['--sandbox', 'danger-full-access']);
  });

  it('puts exec options before resume, which rejects -C and --sandbox', () => {
    const line = codexBackend.commandLine(
      { ...base, model: 'gpt-5-codex', maxTurns: 10, resumeSessionId: THREAD },
      'codex',
    );
    expect(line.args).toEqual([...EXEC, '-m', 'gpt-5-codex', 'resume', THREAD, '-']);
  });

  it('refuses a session id that would read as a flag', () => {
    expect(() => codexBackend.commandLine({ ...base, resumeSessionId: '--yolo' }, 'codex')).toThrow(
      /session id/,
    );
  });

  it('passes its keys, never a CODEX_HOME: its home is the private one, its login shown from ~/.codex', () => {
    for (const key of ['CODEX_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) {
      expect(codexBackend.envKeys).toContain(key);
    }
    expect(codexBackend.envKeys).not.toContain('CODEX_HOME');
    expect(codexBackend.home).toEqual({
      credentials: ['.codex/auth.json'],
      settings: ['.codex/config.toml'],
    });
  });
});

describe('codex parser', () => {
  it('normalizes a realistic stream and sums the turns', () => {
    const parser = codexBackend.createParser();
    const events = feed(parser, [
      { type: 'thread.started', thread_id: THREAD },
      { type: 'turn.started' },
      'Reading prompt from stdin...',
      { type: 'item.started', item: { id: 'item_0', type: 'command_execution', status: 'in_progress' } },
      completed({
        id: 'item_0',
        type: 'command_execution',
        command: "bash -lc 'npm test'",
        aggregated_output: '1 failing\n',
        exit_code: 1,
        status: 'failed',
      }),
      completed({ id: 'item_1', type: 'reasoning', text: 'look at a.ts' }),
      completed({
        id: 'item_2',
        type: 'file_change',
        changes: [
          { path: 'src/a.ts', kind: 'update' },
          { path: 'src/new.ts', kind: 'add' },
          { path: 'src/old.ts', kind: 'delete' },
          { path: 'src/odd.ts', kind: 'rename' },
        ],
        status: 'completed',
      }),
      completed({
        id: 'item_4',
        type: 'mcp_tool_call',
        server: 'docs',
        tool: 'search',
        arguments: { q: 'vitest' },
        result: { content: [{ type: 'text', text: 'found' }] },
        status: 'completed',
      }),
      completed({ id: 'item_5', type: 'web_search', query: 'vitest 4' }),
      completed({ id: 'item_6', type: 'todo_list', items: [] }),
      turn(1000, 50),
      { type: 'turn.started' },
      { type: 'error', message: 'Reconnecting... 1/5' },
      completed({ id: 'item_7', type: 'agent_message', text: 'Fixed the failing test.' }),
      turn(2000, 70),
      { type: 'item.plan.delta', item_id: 'p', delta: 'x' },
    ]);
    expect(events).toEqual([
      { type: 'session', sessionId: THREAD },
      { type: 'tool_call', name: 'command_execution', input: { command: "bash -lc 'npm test'" } },
      { type: 'tool_result', ok: false, output: '1 failing\n' },
      { type: 'file_edit', path: 'src/a.ts', kind: 'update' },
      { type: 'file_edit', path: 'src/new.ts', kind: 'add' },
      { type: 'file_edit', path: 'src/old.ts', kind: 'delete' },
      { type: 'tool_call', name: 'docs.search', input: { q: 'vitest' } },
      { type: 'tool_result', ok: true, output: 'found' },
      { type: 'tool_call', name: 'web_search', input: { query: 'vitest 4' } },
      { type: 'usage', inputTokens: 1000, outputTokens: 50, costUsd: null },
      { type: 'error', message: 'Reconnecting... 1/5' },
      { type: 'message', text: 'Fixed the failing test.' },
      { type: 'usage', inputTokens: 3000, outputTokens: 120, costUsd: null },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: THREAD,
      finalText: 'Fixed the failing test.',
      error: null,
      usage: { inputTokens: 3000, outputTokens: 120, costUsd: null },
    });
  });

  it('turns request_user_input into needs_input', () => {
    const parser = codexBackend.createParser();
    const events = feed(parser, [
      {
        type: 'request_user_input',
        id: 'r1',
        call_id: 'c1',
        questions: [{ question: 'Which branch?' }, 'Proceed?'],
      },
    ]);
    expect(events).toEqual([
      { type: 'needs_input', question: 'Which branch?' },
      { type: 'needs_input', question: 'Proceed?' },
    ]);
  });

  it('fails on turn.failed even with exit 0', () => {
    const parser = codexBackend.createParser();
    const events = feed(parser, [
      { type: 'turn.failed', error: { message: 'model response stream ended unexpectedly' } },
    ]);
    expect(events).toEqual([{ type: 'error', message: 'model response stream ended unexpectedly' }]);
    expect(parser.finish(0)).toMatchObject({
      ok: false,
      error: 'codex: turn failed: model response stream ended unexpectedly',
    });
  });

  it('is not ok when a file change failed, though codex exits 0 (0.169 with a broken sandbox)', () => {
    const parser = codexBackend.createParser();
    const change = { id: 'item_0', type: 'file_change', changes: [{ path: '/wt/hello.txt', kind: 'add' }] };
    const events = feed(parser, [
      { type: 'thread.started', thread_id: THREAD },
      { type: 'item.started', item: { ...change, status: 'in_progress' } },
      completed({ ...change, status: 'failed' }),
      completed({ id: 'item_1', type: 'agent_message', text: 'Wrote hello.txt.' }),
      turn(19566, 104),
    ]);
    expect(events).toContainEqual({
      type: 'error',
      message: 'codex: file change (add /wt/hello.txt) failed (item item_0)',
    });
    expect(events.filter((event) => event.type === 'file_edit')).toEqual([]);
    expect(parser.finish(0)).toMatchObject({
      ok: false,
      finalText: 'Wrote hello.txt.',
      error: 'codex: not carried out: file change (add /wt/hello.txt) failed (item item_0) (exit code 0)',
    });
  });

  it.each([
    [
      'a declined file change',
      { id: 'item_2', type: 'file_change', changes: [{ path: 'a.ts', kind: 'update' }], status: 'declined' },
      'file change (update a.ts) declined (item item_2)',
    ],
    [
      'a declined command',
      { id: 'item_3', type: 'command_execution', command: 'rm -rf /', exit_code: null, status: 'declined' },
      'command "rm -rf /" declined (item item_3)',
    ],
    [
      'a command that never reached an exit code',
      { id: 'item_4', type: 'command_execution', command: 'npm test', exit_code: null, status: 'failed' },
      'command "npm test" failed (item item_4)',
    ],
  ])('is not ok after %s, naming the item', (_name, item, what) => {
    const parser = codexBackend.createParser();
    feed(parser, [completed(item), completed({ id: 'item_9', type: 'agent_message', text: 'Done.' })]);
    expect(parser.finish(0)).toMatchObject({
      ok: false,
      error: `codex: not carried out: ${what} (exit code 0)`,
    });
  });

  it("stays ok when a command ran and exited non-zero: a red test is the agent's to act on", () => {
    const parser = codexBackend.createParser();
    // As codex 0.169 reports `exit 3` run through exec_command.
    const events = feed(parser, [
      completed({
        id: 'item_0',
        type: 'command_execution',
        command: "/bin/bash -lc 'echo out; exit 3'",
        aggregated_output: 'out\n',
        exit_code: 3,
        status: 'failed',
      }),
      completed({ id: 'item_1', type: 'agent_message', text: 'ok' }),
      turn(19565, 88),
    ]);
    expect(events).toContainEqual({ type: 'tool_result', ok: false, output: 'out\n' });
    expect(parser.finish(0)).toMatchObject({ ok: true, error: null });
  });

  it.each([
    [null, [], 'killed (timeout or cancel)'],
    [1, [], 'codex: exited with code 1'],
    [1, [{ type: 'error', message: 'config error' }], 'codex: config error (exit code 1)'],
    [
      1,
      [{ type: 'turn.failed', error: { message: 'unexpected status 401 Unauthorized' } }],
      'codex: authentication failed (check CODEX_API_KEY or OPENAI_API_KEY)',
    ],
  ])('exit %s after %j fails with %s', (exitCode, lines, reason) => {
    const parser = codexBackend.createParser();
    feed(parser, lines);
    expect(parser.finish(exitCode)).toMatchObject({ ok: false, error: reason });
  });

  it('ignores unknown events and junk', () => {
    const parser = codexBackend.createParser();
    expect(
      feed(parser, [{ type: 'thread.renamed' }, { item: {} }, completed({ type: 'collab_tool_call' }), '{']),
    ).toEqual([]);
  });
});

describe('codex against the fake CLI', () => {
  // Its success path is the real CLI's, run against a scripted model (test/model-server/adapters.test.ts).
  it.each([
    ['auth-fail', 'codex: authentication failed (check CODEX_API_KEY or OPENAI_API_KEY)'],
    ['error', 'codex: turn failed: model response stream ended unexpectedly'],
  ])('reports %s', async (mode, reason) => {
    const run = await runFake(codexBackend, { cli: 'codex', mode });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toMatchObject({ ok: false, sessionId: THREAD, error: reason });
  });

  it('is not ok when codex exits non-zero without a failed turn', async () => {
    const run = await runFake(codexBackend, { cli: 'codex', exit: 1 });
    expect(run.summary).toMatchObject({ ok: false, error: 'codex: exited with code 1' });
  });
});
