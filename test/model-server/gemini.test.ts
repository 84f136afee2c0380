/** Gemini CLI 0.61 for real, against the scripted Gemini API (GOOGLE_GEMINI_BASE_URL). */
import { describe, expect, it } from 'vitest';
import { geminiSetup } from '../support/model-server/clis.ts';
import { describeRun, RUN_BASH, runScripted, WRITE_HELLO } from '../support/model-server/scripted-run.ts';

const TIMEOUT = 60_000;

describe('gemini -p against the scripted model server', () => {
  it('writes hello.txt with write_file and ends with a success result', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: geminiSetup, script: WRITE_HELLO, read: ['hello.txt'] });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['hello.txt']).toBe('hello from the scripted model\n');
    expect(run.events[0]).toMatchObject({ type: 'init' });
    expect(run.events.find((e) => e.type === 'tool_use')).toMatchObject({ tool_name: 'write_file' });
    expect(run.events.find((e) => e.type === 'tool_result')).toMatchObject({ status: 'success' });
    expect(run.events.at(-1)).toMatchObject({ type: 'result', status: 'success' });
    const answer = run.events
      .filter((e) => e.type === 'message' && e.role === 'assistant')
      .map((e) => e.content);
    expect(answer.join('')).toBe('Wrote hello.txt.');
    // The default "auto" model routes through a JSON classifier request first: a side request.
    const turns = result.requests.filter((r) => r.role === 'turn');
    expect(turns.map((r) => r.turn)).toEqual([0, 1]);
    expect(turns[0]?.url).toMatch(/:streamGenerateContent\?alt=sse$/);
  });

  it('runs a shell command with run_shell_command', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: geminiSetup, script: RUN_BASH, read: ['bash.txt'] });
    expect(result.run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['bash.txt']).toBe('from-bash\n');
    expect(result.run.events.find((e) => e.type === 'tool_use')).toMatchObject({
      tool_name: 'run_shell_command',
    });
  });

  it('on a 401 ends with result status "error" and exits 145 (the HTTP status 401 mod 256)', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: geminiSetup,
      script: WRITE_HELLO,
      failWith: 401,
      timeoutMs: 30_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(false);
    expect(run.exitCode).toBe(145);
    expect(run.events.at(-1)).toMatchObject({ type: 'result', status: 'error' });
    expect(JSON.stringify(run.events.at(-1))).toContain('UNAUTHENTICATED');
  });

  it('without GEMINI_API_KEY exits 41 before calling the server', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({
      setup: geminiSetup,
      script: WRITE_HELLO,
      apiKey: null,
      timeoutMs: 30_000,
    });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(41);
    expect(run.stderr).toContain('GEMINI_API_KEY');
    expect(result.requests.filter((r) => r.api === 'gemini')).toEqual([]);
  });
});
