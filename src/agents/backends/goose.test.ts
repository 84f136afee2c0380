import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { feed, removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { gooseBackend } from './goose.ts';

afterAll(removeFakeDirs);

const base = { prompt: 'Fix the tests', cwd: '/repo/wt-12', model: null };
const RUN = ['run', '-i', '-', '--output-format', 'stream-json', '--with-builtin', 'developer'];
const MAX_TURNS =
  "I've reached the maximum number of actions I can do without user input. Would you like me to continue?";

const message = (role: string, content: unknown[]) => ({
  type: 'message',
  message: { id: 'm', role, created: 1785046006, content },
});
const request = (id: string, name: string, args: unknown) => ({
  type: 'toolRequest',
  id,
  toolCall: { status: 'success', value: { name, arguments: args } },
});
const response = (id: string, status: string, value: unknown) => ({
  type: 'toolResponse',
  id,
  toolResult: status === 'success' ? { status, value } : { status, error: value },
});
const complete = {
  type: 'complete',
  total_tokens: 15342,
  input_tokens: 14100,
  output_tokens: 1242,
  cost_usd: 0.061,
};

describe('goose commandLine', () => {
  it('runs with instructions on stdin, stream-json, the developer extension and GOOSE_MODE=auto', () => {
    expect(gooseBackend.commandLine(base, 'goose')).toEqual({
      command: 'goose',
      args: RUN,
      stdin: 'Fix the tests',
      env: { GOOSE_MODE: 'auto', GOOSE_DISABLE_KEYRING: '1' },
    });
  });

  it('adds model, max turns and resume by name', () => {
    const line = gooseBackend.commandLine(
      { ...base, model: 'claude-sonnet-4-5', maxTurns: 100, resumeSessionId: 'wh-task-123' },
      'goose',
    );
    expect(line.args).toEqual([
      ...RUN,
      '--model',
      'claude-sonnet-4-5',
      '--max-turns',
      '100',
      '-r',
      '--name=wh-task-123',
    ]);
  });

  it('passes provider settings and keys', () => {
    for (const key of [
      'GOOSE_PROVIDER',
      'GOOSE_MODEL',
      'ANTHROPIC_API_KEY',
      'OPENAI_API_KEY',
      'OPENAI_HOST',
      'GOOGLE_API_KEY',
      'OPENROUTER_API_KEY',
      'OLLAMA_HOST',
      'GOOSE_PROVIDER__HOST',
      'GOOSE_PROVIDER__API_KEY',
    ]) {
      expect(gooseBackend.envKeys).toContain(key);
    }
  });
});

describe('goose parser', () => {
  it('normalizes a realistic stream', () => {
    const parser = gooseBackend.createParser();
    const events = feed(parser, [
      'starting session | provider: anthropic model: claude-sonnet-4-5',
      message('assistant', [
        { type: 'thinking', thinking: '...' },
        { type: 'text', text: 'Running tests.' },
        request('call_1', 'developer__shell', { command: 'npm test' }),
      ]),
      message('user', [response('call_1', 'success', [{ type: 'text', text: '4 passing' }])]),
      { type: 'notification', extension_id: 'developer', log: { message: 'running npm test' } },
      message('assistant', [
        request('call_2', 'developer__text_editor', { command: 'write', path: '/wt/a.ts' }),
      ]),
      message('user', [response('call_2', 'success', [{ type: 'text', text: 'ok' }])]),
      message('assistant', [
        request('call_3', 'developer__text_editor', { command: 'str_replace', path: '/wt/b.ts' }),
      ]),
      message('user', [response('call_3', 'error', 'no match')]),
      message('assistant', [
        request('call_4', 'developer__text_editor', { command: 'view', path: '/wt/c.ts' }),
      ]),
      message('user', [response('call_4', 'success', [{ type: 'text', text: 'c' }])]),
      message('assistant', [{ type: 'text', text: 'Done.' }]),
      complete,
    ]);
    expect(events).toEqual([
      { type: 'message', text: 'Running tests.' },
      { type: 'tool_call', name: 'developer__shell', input: { command: 'npm test' } },
      { type: 'tool_result', ok: true, output: '4 passing' },
      { type: 'tool_call', name: 'developer__text_editor', input: { command: 'write', path: '/wt/a.ts' } },
      { type: 'tool_result', ok: true, output: 'ok' },
      { type: 'file_edit', path: '/wt/a.ts', kind: 'add' },
      {
        type: 'tool_call',
        name: 'developer__text_editor',
        input: { command: 'str_replace', path: '/wt/b.ts' },
      },
      { type: 'tool_result', ok: false, output: 'no match' },
      { type: 'tool_call', name: 'developer__text_editor', input: { command: 'view', path: '/wt/c.ts' } },
      { type: 'tool_result', ok: true, output: 'c' },
      { type: 'message', text: 'Done.' },
      { type: 'usage', inputTokens: 14100, outputTokens: 1242, costUsd: 0.061 },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: null,
      finalText: 'Done.',
      error: null,
      usage: { inputTokens: 14100, outputTokens: 1242, costUsd: 0.061 },
    });
  });

  it('has a null cost when complete has none', () => {
    const parser = gooseBackend.createParser();
    feed(parser, [{ type: 'complete', total_tokens: 10 }]);
    expect(parser.finish(0).usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: null });
  });

  it('treats the tool approval error as needs_input and a failure', () => {
    const parser = gooseBackend.createParser();
    const error = 'Tool approval required in non-interactive mode with GooseMode::Approve.';
    expect(feed(parser, [{ type: 'error', error }])).toEqual([
      { type: 'error', message: error },
      { type: 'needs_input', question: error },
    ]);
    expect(parser.finish(1)).toMatchObject({
      ok: false,
      error: 'goose: tool approval required (set GOOSE_MODE=auto)',
    });
  });

  it.each([
    [
      'max-turns text',
      [message('assistant', [{ type: 'text', text: MAX_TURNS }]), complete],
      0,
      'goose: max turns reached',
    ],
    [
      'no complete',
      [message('assistant', [{ type: 'text', text: 'hi' }])],
      0,
      'goose: exited without a result (exit code 0)',
    ],
    ['an error', [{ type: 'error', error: 'provider exploded' }, complete], 0, 'goose: provider exploded'],
    [
      'an auth error',
      [{ type: 'error', error: 'Authentication error: 401 Unauthorized' }],
      1,
      'goose: authentication failed (check GOOSE_PROVIDER and its key, e.g. ANTHROPIC_API_KEY)',
    ],
    ['a non-zero exit', [complete], 2, 'goose: exited with code 2'],
    ['a kill', [complete], null, 'killed (timeout or cancel)'],
  ])('fails on %s', (_name, lines, exitCode, reason) => {
    const parser = gooseBackend.createParser();
    feed(parser, lines);
    expect(parser.finish(exitCode)).toMatchObject({ ok: false, error: reason });
  });

  it('ignores unknown events and junk', () => {
    const parser = gooseBackend.createParser();
    expect(
      feed(parser, [
        { type: 'model_change', model: 'x' },
        message('user', [{ type: 'text', text: 'hi' }]),
        '}',
      ]),
    ).toEqual([]);
  });
});

describe('goose against the fake CLI', () => {
  it('runs, edits hello.txt and succeeds', async () => {
    const run = await runFake(gooseBackend, { cli: 'goose' });
    // What goose's grammar makes of the command line, not the command line itself.
    expect(run.record.usageError).toBeUndefined();
    expect(run.record.command).toMatchObject({
      prompt: 'Create hello.txt.',
      outputFormat: 'stream-json',
      builtins: ['developer'],
      resume: false,
    });
    expect(run.record.argv.join(' ')).not.toContain('Create hello.txt.');
    expect(readFileSync(join(run.dir, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(run.events).toContainEqual({ type: 'file_edit', path: join(run.dir, 'hello.txt'), kind: 'add' });
    expect(run.summary).toEqual({
      ok: true,
      sessionId: null,
      finalText: 'Created hello.txt.',
      error: null,
      usage: { inputTokens: 14100, outputTokens: 1242, costUsd: 0.061 },
    });
  });

  it('resumes a named session with a model and a turn limit, in a form goose accepts', async () => {
    const run = await runFake(gooseBackend, {
      cli: 'goose',
      invocation: { model: 'claude-sonnet-4-5', maxTurns: 7, resumeSessionId: '-wh-task-12' },
    });
    expect(run.record.usageError).toBeUndefined();
    expect(run.record.command).toMatchObject({
      model: 'claude-sonnet-4-5',
      maxTurns: 7,
      name: '-wh-task-12',
      resume: true,
    });
    expect(run.summary.ok).toBe(true);
  });

  it('is refused as goose would refuse it when the command line is wrong, and is not ok', async () => {
    const run = await runFake(gooseBackend, {
      cli: 'goose',
      alter: (line) => ({ ...line, args: [...line.args, '--max-turns', 'many'] }),
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: invalid value 'many' for '--max-turns <NUMBER>'/);
    expect(run.summary.ok).toBe(false);
    const plain = await runFake(gooseBackend, {
      cli: 'goose',
      alter: (line) => ({
        ...line,
        args: line.args.filter((arg) => arg !== 'stream-json' && arg !== '--output-format'),
      }),
    });
    // In goose's default text format there is no complete event to prove the run ended well.
    expect(plain.exitCode).toBe(0);
    expect(plain.summary.ok).toBe(false);
  });

  it('fails on the first tool call when GOOSE_MODE is not auto', async () => {
    const run = await runFake(gooseBackend, {
      cli: 'goose',
      alter: (line) => ({ ...line, env: { ...line.env, GOOSE_MODE: 'approve' } }),
    });
    expect(run.summary).toMatchObject({
      ok: false,
      error: 'goose: tool approval required (set GOOSE_MODE=auto)',
    });
  });

  it.each([
    [
      'auth-fail',
      1,
      'goose: authentication failed (check GOOSE_PROVIDER and its key, e.g. ANTHROPIC_API_KEY)',
    ],
    ['max-turns', 0, 'goose: max turns reached'],
    ['error', 1, 'goose: tool approval required (set GOOSE_MODE=auto)'],
  ])('reports %s', async (mode, exitCode, reason) => {
    const run = await runFake(gooseBackend, { cli: 'goose', mode });
    expect(run.exitCode).toBe(exitCode);
    expect(run.summary).toMatchObject({ ok: false, error: reason });
  });
});
