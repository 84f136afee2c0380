import { afterAll, describe, expect, it } from 'vitest';
import { feed, removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { geminiBackend } from './gemini.ts';

afterAll(removeFakeDirs);

const SID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
const base = { prompt: 'Fix the tests', cwd: '/repo/wt-12', model: null };
const HEADLESS = ['-p', '', '-o', 'stream-json', '--approval-mode', 'yolo', '--skip-trust'];

const gm = (type: string, fields: Record<string, unknown>) => ({
  type,
  timestamp: '2026-03-10T12:00:00Z',
  ...fields,
});
const assistant = (content: string, delta = true) => gm('message', { role: 'assistant', content, delta });
const result = (status: string, extra: Record<string, unknown> = {}) =>
  gm('result', {
    status,
    stats: {
      total_tokens: 250,
      input_tokens: 50,
      output_tokens: 200,
      cached: 0,
      input: 50,
      duration_ms: 3000,
    },
    ...extra,
  });

describe('gemini commandLine', () => {
  it('runs headless with an empty -p, stream-json, yolo, --skip-trust and the prompt on stdin', () => {
    expect(geminiBackend.commandLine(base, 'gemini')).toEqual({
      command: 'gemini',
      args: HEADLESS,
      stdin: 'Fix the tests',
      env: {},
    });
  });

  it('adds model and resume (in the = form); it has no turn-limit flag', () => {
    const line = geminiBackend.commandLine(
      { ...base, model: 'gemini-2.5-pro', maxTurns: 9, resumeSessionId: SID },
      'g',
    );
    expect(line.args).toEqual([...HEADLESS, '-m', 'gemini-2.5-pro', `--resume=${SID}`]);
  });

  it('passes keys, Vertex settings and its home', () => {
    for (const key of [
      'GEMINI_API_KEY',
      'GOOGLE_API_KEY',
      'GOOGLE_GENAI_USE_VERTEXAI',
      'GOOGLE_CLOUD_PROJECT',
      'GOOGLE_CLOUD_LOCATION',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'GOOGLE_GEMINI_BASE_URL',
    ]) {
      expect(geminiBackend.envKeys).toContain(key);
    }
    expect(geminiBackend.envKeys).not.toContain('GEMINI_CLI_HOME');
  });
});

describe('gemini parser', () => {
  it('normalizes a realistic stream, joining assistant deltas', () => {
    const parser = geminiBackend.createParser();
    const events = feed(parser, [
      gm('init', { session_id: SID, model: 'gemini-2.5-pro' }),
      gm('message', { role: 'user', content: 'Fix the tests' }),
      assistant('Let me '),
      assistant('look.'),
      gm('tool_use', {
        tool_name: 'run_shell_command',
        tool_id: 'sh-1',
        parameters: { command: 'npm test' },
      }),
      gm('tool_result', { tool_id: 'sh-1', status: 'success', output: '4 passing' }),
      gm('tool_use', {
        tool_name: 'write_file',
        tool_id: 'w-1',
        parameters: { file_path: '/wt/a.ts', content: 'x' },
      }),
      gm('tool_result', { tool_id: 'w-1', status: 'success' }),
      gm('tool_use', { tool_name: 'replace', tool_id: 'r-1', parameters: { file_path: '/wt/b.ts' } }),
      gm('tool_result', { tool_id: 'r-1', status: 'success', output: 'ok' }),
      gm('tool_use', { tool_name: 'replace', tool_id: 'r-2', parameters: { file_path: '/wt/c.ts' } }),
      gm('tool_result', { tool_id: 'r-2', status: 'error', error: { type: 'edit', message: 'no match' } }),
      gm('error', { severity: 'warning', message: 'loop detected' }),
      assistant('All tests '),
      assistant('pass.'),
      result('success'),
    ]);
    expect(events).toEqual([
      { type: 'session', sessionId: SID },
      { type: 'message', text: 'Let me look.' },
      { type: 'tool_call', name: 'run_shell_command', input: { command: 'npm test' } },
      { type: 'tool_result', ok: true, output: '4 passing' },
      { type: 'tool_call', name: 'write_file', input: { file_path: '/wt/a.ts', content: 'x' } },
      { type: 'tool_result', ok: true, output: '' },
      { type: 'file_edit', path: '/wt/a.ts', kind: 'add' },
      { type: 'tool_call', name: 'replace', input: { file_path: '/wt/b.ts' } },
      { type: 'tool_result', ok: true, output: 'ok' },
      { type: 'file_edit', path: '/wt/b.ts', kind: 'update' },
      { type: 'tool_call', name: 'replace', input: { file_path: '/wt/c.ts' } },
      { type: 'tool_result', ok: false, output: 'no match' },
      { type: 'error', message: 'loop detected' },
      { type: 'message', text: 'All tests pass.' },
      { type: 'usage', inputTokens: 50, outputTokens: 200, costUsd: null },
      { type: 'result', ok: true, text: 'All tests pass.' },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: SID,
      finalText: 'All tests pass.',
      error: null,
      usage: { inputTokens: 50, outputTokens: 200, costUsd: null },
    });
  });

  it('emits a whole (non-delta) assistant message at once', () => {
    const parser = geminiBackend.createParser();
    expect(feed(parser, [assistant('Hello.', false)])).toEqual([{ type: 'message', text: 'Hello.' }]);
  });

  it.each([
    [
      41,
      'gemini: authentication failed (set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI with its credentials; with GOOGLE_GEMINI_BASE_URL, also set security.auth.selectedType "gemini-api-key" in ~/.gemini/settings.json)',
    ],
    [53, 'gemini: turn limit reached (model.maxSessionTurns)'],
    [55, 'gemini: workspace not trusted (pass --skip-trust)'],
    [42, 'gemini: input error'],
    [null, 'killed (timeout or cancel)'],
    [1, 'gemini: exited without a result (exit code 1)'],
  ])('exit %s without a result fails with %s', (exitCode, reason) => {
    const parser = geminiBackend.createParser();
    feed(parser, [gm('init', { session_id: SID })]);
    expect(parser.finish(exitCode)).toMatchObject({ ok: false, sessionId: SID, error: reason });
  });

  it('needs status success and exit 0', () => {
    const failed = geminiBackend.createParser();
    feed(failed, [result('error', { error: { type: 'FatalError', message: 'model unavailable' } })]);
    expect(failed.finish(1)).toMatchObject({ ok: false, error: 'gemini: model unavailable' });
    const exitOnly = geminiBackend.createParser();
    feed(exitOnly, [result('success')]);
    expect(exitOnly.finish(1)).toMatchObject({ ok: false, error: 'gemini: exited with code 1' });
    const statusOnly = geminiBackend.createParser();
    feed(statusOnly, [result('error')]);
    expect(statusOnly.finish(0)).toMatchObject({ ok: false, error: 'gemini: run failed' });
  });

  it('ignores unknown events and junk', () => {
    const parser = geminiBackend.createParser();
    expect(feed(parser, [gm('thought', { content: 'x' }), 'Loaded cached credentials.', '{"type":'])).toEqual(
      [],
    );
  });
});

describe('gemini against the fake CLI', () => {
  // Its success path is the real CLI's, run against a scripted model (test/model-server/adapters.test.ts).
  it.each([
    [
      'auth-fail',
      41,
      'gemini: authentication failed (set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI with its credentials; with GOOGLE_GEMINI_BASE_URL, also set security.auth.selectedType "gemini-api-key" in ~/.gemini/settings.json)',
    ],
    ['max-turns', 53, 'gemini: turn limit reached (model.maxSessionTurns)'],
    ['error', 1, 'gemini: model unavailable'],
  ])('reports %s', async (mode, exitCode, reason) => {
    const run = await runFake(geminiBackend, { cli: 'gemini', mode });
    expect(run.exitCode).toBe(exitCode);
    expect(run.summary).toMatchObject({ ok: false, error: reason });
  });
});
