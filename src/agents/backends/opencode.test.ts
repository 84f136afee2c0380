import { afterAll, describe, expect, it } from 'vitest';
import { feed, removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { opencodeBackend } from './opencode.ts';

afterAll(removeFakeDirs);

const SID = 'ses_062f7835bffeTGfH5IKNUxZZX7';
const base = { prompt: 'Fix the tests', cwd: '/repo/wt-12', model: null };
const RUN = ['run', '--format', 'json', '--auto', '--dir', '/repo/wt-12'];

const oc = (type: string, fields: Record<string, unknown>) => ({
  type,
  timestamp: 1785046007001,
  sessionID: SID,
  ...fields,
});
const tool = (name: string, state: Record<string, unknown>) =>
  oc('tool_use', { part: { type: 'tool', tool: name, callID: 'c', state } });
const stepFinish = (
  cost: number,
  input: number,
  output: number,
  reasoning: number,
  read: number,
  write: number,
) =>
  oc('step_finish', {
    part: {
      type: 'step-finish',
      reason: 'stop',
      cost,
      tokens: { input, output, reasoning, cache: { read, write } },
    },
  });

describe('opencode commandLine', () => {
  it('runs with json output, --auto, --dir and the prompt on stdin, never on its hosted models', () => {
    const line = opencodeBackend.commandLine(base, 'opencode');
    expect(line).toMatchObject({ command: 'opencode', args: RUN, stdin: 'Fix the tests' });
    expect(JSON.parse(line.env.OPENCODE_CONFIG_CONTENT!)).toEqual({
      autoupdate: false,
      share: 'disabled',
      disabled_providers: ['opencode'],
    });
    expect(line.env).toMatchObject({ OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_SHARE: '1' });
  });

  it("allows its hosted models only when the role's model names them", () => {
    const line = opencodeBackend.commandLine({ ...base, model: 'opencode/big-pickle' }, 'opencode');
    expect(JSON.parse(line.env.OPENCODE_CONFIG_CONTENT!)).not.toHaveProperty('disabled_providers');
  });

  it('adds model and session (in the = form); it has no turn limit', () => {
    const line = opencodeBackend.commandLine(
      { ...base, model: 'anthropic/claude-sonnet-4-5', maxTurns: 5, resumeSessionId: SID },
      'opencode',
    );
    expect(line.args).toEqual([...RUN, '-m', 'anthropic/claude-sonnet-4-5', `--session=${SID}`]);
  });

  it('passes provider keys, never config variables of the host (Workhorse sets its own config)', () => {
    for (const key of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY']) {
      expect(opencodeBackend.envKeys).toContain(key);
    }
    for (const key of ['OPENCODE_CONFIG', 'OPENCODE_CONFIG_CONTENT', 'OPENCODE_CONFIG_DIR']) {
      expect(opencodeBackend.envKeys).not.toContain(key);
    }
  });
});

describe('opencode parser', () => {
  it('normalizes a realistic stream and sums the steps', () => {
    const parser = opencodeBackend.createParser();
    const events = feed(parser, [
      oc('step_start', { part: { type: 'step-start', snapshot: '4b2e' } }),
      tool('bash', {
        status: 'completed',
        input: { command: 'npm test' },
        output: '4 passing',
        metadata: {},
      }),
      tool('write', {
        status: 'completed',
        input: { filePath: '/wt/new.ts', content: 'x' },
        output: 'Wrote file successfully.',
        metadata: { exists: false },
      }),
      tool('write', {
        status: 'completed',
        input: { filePath: '/wt/old.ts' },
        output: '',
        metadata: { exists: true },
      }),
      tool('edit', { status: 'completed', input: { filePath: '/wt/b.ts' }, output: 'Edit applied.' }),
      tool('edit', { status: 'error', input: { filePath: '/wt/c.ts' }, error: 'oldString not found' }),
      stepFinish(0.02, 1000, 40, 10, 500, 100),
      oc('reasoning', { part: { type: 'reasoning', text: 'hmm' } }),
      oc('text', { part: { type: 'text', text: 'Tests pass.' } }),
      stepFinish(0.0013, 2000, 3, 0, 0, 0),
      oc('done', { reason: 'idle', rejected: [] }),
    ]);
    expect(events).toEqual([
      { type: 'session', sessionId: SID },
      { type: 'tool_call', name: 'bash', input: { command: 'npm test' } },
      { type: 'tool_result', ok: true, output: '4 passing' },
      { type: 'tool_call', name: 'write', input: { filePath: '/wt/new.ts', content: 'x' } },
      { type: 'tool_result', ok: true, output: 'Wrote file successfully.' },
      { type: 'file_edit', path: '/wt/new.ts', kind: 'add' },
      { type: 'tool_call', name: 'write', input: { filePath: '/wt/old.ts' } },
      { type: 'tool_result', ok: true, output: '' },
      { type: 'file_edit', path: '/wt/old.ts', kind: 'update' },
      { type: 'tool_call', name: 'edit', input: { filePath: '/wt/b.ts' } },
      { type: 'tool_result', ok: true, output: 'Edit applied.' },
      { type: 'file_edit', path: '/wt/b.ts', kind: 'update' },
      { type: 'tool_call', name: 'edit', input: { filePath: '/wt/c.ts' } },
      { type: 'tool_result', ok: false, output: 'oldString not found' },
      { type: 'usage', inputTokens: 1600, outputTokens: 50, costUsd: 0.02 },
      { type: 'message', text: 'Tests pass.' },
      { type: 'usage', inputTokens: 3600, outputTokens: 53, costUsd: 0.0213 },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: SID,
      finalText: 'Tests pass.',
      error: null,
      usage: { inputTokens: 3600, outputTokens: 53, costUsd: 0.0213 },
    });
  });

  it('reports rejected permissions from done as needs_input', () => {
    const parser = opencodeBackend.createParser();
    const events = feed(parser, [oc('done', { reason: 'idle', rejected: ['question'] })]);
    expect(events).toEqual([
      { type: 'session', sessionId: SID },
      { type: 'needs_input', question: 'permission rejected: question' },
    ]);
  });

  it.each([
    [{ name: 'UnknownError', data: { message: 'model stream failed' } }, 'opencode: model stream failed'],
    [{ type: 'session', message: 'V2 shape' }, 'opencode: V2 shape'],
    [
      { name: 'ProviderAuthError', data: { providerID: 'anthropic', message: 'bad key' } },
      'opencode: authentication failed (check the provider key, e.g. ANTHROPIC_API_KEY)',
    ],
  ])('fails on an error event %j, even with exit 0', (error, reason) => {
    const parser = opencodeBackend.createParser();
    const events = feed(parser, [oc('error', { error })]);
    expect(events[1]?.type).toBe('error');
    expect(parser.finish(0)).toMatchObject({ ok: false, error: reason });
  });

  it('fails on a non-zero exit or a kill', () => {
    const parser = opencodeBackend.createParser();
    expect(parser.finish(1)).toMatchObject({ ok: false, error: 'opencode: exited with code 1' });
    expect(parser.finish(null)).toMatchObject({ ok: false, error: 'killed (timeout or cancel)' });
  });

  it('ignores unknown events and junk', () => {
    const parser = opencodeBackend.createParser();
    expect(feed(parser, [{ type: 'permission.asked' }, 'INFO starting server', ''])).toEqual([]);
  });
});

describe('opencode against the fake CLI', () => {
  // Its success path is the real CLI's, run against a scripted model (test/model-server/adapters.test.ts).
  it.each([
    ['auth-fail', 'opencode: authentication failed (check the provider key, e.g. ANTHROPIC_API_KEY)'],
    ['error', 'opencode: model stream failed'],
  ])('reports %s', async (mode, reason) => {
    const run = await runFake(opencodeBackend, { cli: 'opencode', mode });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toMatchObject({ ok: false, sessionId: SID, error: reason });
  });
});
