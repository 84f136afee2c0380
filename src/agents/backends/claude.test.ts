import { afterAll, describe, expect, it } from 'vitest';
import { feed, removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { claudeBackend } from './claude.ts';

afterAll(removeFakeDirs);

const SID = '8f1c2a3b-0000-4000-8000-000000000001';
const base = { prompt: 'Fix the tests', cwd: '/repo/wt-12', model: null };

const init = {
  type: 'system',
  subtype: 'init',
  session_id: SID,
  cwd: '/repo/wt-12',
  model: 'claude-sonnet-4-6',
};
const toolUse = (id: string, name: string, input: unknown) => ({
  type: 'assistant',
  message: { content: [{ type: 'tool_use', id, name, input }], stop_reason: 'tool_use' },
  parent_tool_use_id: null,
  session_id: SID,
});
const toolResult = (id: string, content: unknown, isError = false) => ({
  type: 'user',
  message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] },
  session_id: SID,
});
const success = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  result: 'All tests pass.',
  num_turns: 6,
  total_cost_usd: 0.1834,
  usage: {
    input_tokens: 10234,
    cache_read_input_tokens: 88000,
    cache_creation_input_tokens: 100,
    output_tokens: 1450,
  },
  session_id: SID,
  permission_denials: [],
};

describe('claude commandLine', () => {
  it('runs -p with stream-json, bypassPermissions and the prompt on stdin', () => {
    expect(claudeBackend.commandLine(base, 'claude')).toEqual({
      command: 'claude',
      args: ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions'],
      stdin: 'Fix the tests',
      env: { IS_SANDBOX: '1' },
    });
  });

  it('adds model, max turns and resume (in the = form)', () => {
    const line = claudeBackend.commandLine(
      { ...base, model: 'sonnet', maxTurns: 60, resumeSessionId: '--evil' },
      '/opt/claude',
    );
    expect(line.command).toBe('/opt/claude');
    expect(line.args.slice(6)).toEqual(['--model', 'sonnet', '--max-turns', '60', '--resume=--evil']);
  });

  it('passes keys, base URL, model and cloud switches from the host', () => {
    for (const key of [
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'ANTHROPIC_BASE_URL',
      'CLAUDE_CODE_OAUTH_TOKEN',
      'ANTHROPIC_MODEL',
      'CLAUDE_CODE_USE_BEDROCK',
      'CLAUDE_CODE_USE_VERTEX',
    ]) {
      expect(claudeBackend.envKeys).toContain(key);
    }
  });
});

describe('claude parser', () => {
  it('normalizes a realistic stream', () => {
    const parser = claudeBackend.createParser();
    const events = feed(parser, [
      init,
      'not json at all',
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'thinking', thinking: 'hmm' },
            { type: 'text', text: 'Running the tests.' },
            { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } },
          ],
        },
        session_id: SID,
      },
      toolResult('t1', '4 passing'),
      toolUse('t2', 'Write', { file_path: '/repo/wt-12/a.ts', content: 'x' }),
      toolResult('t2', [{ type: 'text', text: 'File created' }]),
      toolUse('t3', 'Edit', { file_path: '/repo/wt-12/b.ts', old_string: 'a', new_string: 'b' }),
      toolResult('t3', 'denied', true),
      { type: 'rate_limit_event', rate_limit_info: {}, session_id: SID },
      { type: 'system', subtype: 'task_progress', session_id: SID },
      { type: 'stream_event', event: {}, session_id: SID },
      success,
    ]);
    expect(events).toEqual([
      { type: 'session', sessionId: SID },
      { type: 'message', text: 'Running the tests.' },
      { type: 'tool_call', name: 'Bash', input: { command: 'npm test' } },
      { type: 'tool_result', ok: true, output: '4 passing' },
      { type: 'tool_call', name: 'Write', input: { file_path: '/repo/wt-12/a.ts', content: 'x' } },
      { type: 'tool_result', ok: true, output: 'File created' },
      { type: 'file_edit', path: '/repo/wt-12/a.ts', kind: 'add' },
      {
        type: 'tool_call',
        name: 'Edit',
        input: { file_path: '/repo/wt-12/b.ts', old_string: 'a', new_string: 'b' },
      },
      { type: 'tool_result', ok: false, output: 'denied' },
      { type: 'usage', inputTokens: 98334, outputTokens: 1450, costUsd: 0.1834 },
      { type: 'result', ok: true, text: 'All tests pass.' },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: SID,
      finalText: 'All tests pass.',
      error: null,
      usage: { inputTokens: 98334, outputTokens: 1450, costUsd: 0.1834 },
    });
  });

  it('reports permission denials as needs_input', () => {
    const parser = claudeBackend.createParser();
    const events = feed(parser, [
      {
        ...success,
        permission_denials: [{ tool_name: 'Bash', tool_use_id: 't9', tool_input: { command: 'rm -rf /' } }],
      },
    ]);
    expect(events).toContainEqual({
      type: 'needs_input',
      question: 'permission denied: Bash {"command":"rm -rf /"}',
    });
  });

  it('trusts is_error, not subtype: an auth failure is subtype success with is_error true', () => {
    const parser = claudeBackend.createParser();
    const events = feed(parser, [
      init,
      {
        type: 'assistant',
        message: { content: [{ type: 'text', text: 'Not logged in · Please run /login' }] },
        session_id: SID,
        error: 'authentication_failed',
      },
      { type: 'result', subtype: 'success', is_error: true, result: 'Not logged in · Please run /login' },
    ]);
    expect(events).toContainEqual({
      type: 'error',
      message: 'claude: authentication failed (check ANTHROPIC_API_KEY)',
    });
    expect(events).toContainEqual({ type: 'result', ok: false, text: 'Not logged in · Please run /login' });
    expect(parser.finish(1)).toMatchObject({
      ok: false,
      error: 'claude: authentication failed (check ANTHROPIC_API_KEY)',
    });
  });

  it.each([
    [
      { subtype: 'error_max_turns', errors: ['Reached maximum number of turns (1)'] },
      1,
      'claude: max turns reached',
    ],
    [{ subtype: 'error_max_budget_usd' }, 1, 'claude: budget exceeded (--max-budget-usd)'],
    [{ subtype: 'error_during_execution', errors: ['API Error: 500'] }, 1, 'claude: API Error: 500'],
    [{ subtype: 'error_during_execution' }, 1, 'claude: error (error_during_execution)'],
  ])('fails with a specific reason for %o', (fields, exitCode, reason) => {
    const parser = claudeBackend.createParser();
    feed(parser, [init, { type: 'result', is_error: true, session_id: SID, ...fields }]);
    expect(parser.finish(exitCode)).toMatchObject({ ok: false, sessionId: SID, error: reason });
  });

  it('needs both a good result and exit 0', () => {
    const parser = claudeBackend.createParser();
    feed(parser, [init, success]);
    expect(parser.finish(1)).toMatchObject({
      ok: false,
      error: 'claude: exited with code 1 after a successful result',
    });
    expect(parser.finish(null)).toMatchObject({ ok: false, error: 'killed (timeout or cancel)' });
  });

  it('fails without a result line', () => {
    const parser = claudeBackend.createParser();
    feed(parser, [init]);
    expect(parser.finish(0)).toEqual({
      ok: false,
      sessionId: SID,
      finalText: '',
      error: 'claude: exited without a result (exit code 0)',
      usage: { inputTokens: 0, outputTokens: 0, costUsd: null },
    });
  });

  it('ignores unknown events, unknown fields and junk', () => {
    const parser = claudeBackend.createParser();
    expect(feed(parser, [{ type: 'brand_new' }, '', '[1,2]', 'null', '{broken', { foo: 1 }])).toEqual([]);
  });
});

describe('claude against the fake CLI', () => {
  // Its success path is the real CLI's, run against a scripted model (test/model-server/adapters.test.ts).
  it.each([
    ['auth-fail', 'claude: authentication failed (check ANTHROPIC_API_KEY)'],
    ['max-turns', 'claude: max turns reached'],
    ['error', 'claude: API Error: 500 Internal server error'],
  ])('reports %s', async (mode, reason) => {
    const run = await runFake(claudeBackend, { cli: 'claude', mode });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toMatchObject({ ok: false, sessionId: SID, error: reason });
  });

  it('is not ok when the exit code contradicts a good result', async () => {
    const run = await runFake(claudeBackend, { cli: 'claude', exit: 3 });
    expect(run.summary).toMatchObject({
      ok: false,
      error: 'claude: exited with code 3 after a successful result',
    });
  });
});
