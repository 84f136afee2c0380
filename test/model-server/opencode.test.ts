/** opencode 1.18 for real, with a custom OpenAI-compatible provider on the scripted Chat Completions API. */
import { describe, expect, it } from 'vitest';
import { opencodeSetup } from '../support/model-server/clis.ts';
import { describeRun, RUN_BASH, runScripted, WRITE_HELLO } from '../support/model-server/scripted-run.ts';

const TIMEOUT = 60_000;

type Event = Record<string, unknown>;
const part = (event: Event | undefined): Record<string, unknown> =>
  (event?.part ?? {}) as Record<string, unknown>;

describe('opencode run against the scripted model server', () => {
  it('writes hello.txt with the write tool and ends with step_finish "stop"', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({ setup: opencodeSetup, script: WRITE_HELLO, read: ['hello.txt'] });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['hello.txt']).toBe('hello from the scripted model\n');
    expect(run.events.some((e) => e.type === 'error')).toBe(false);
    const tool = run.events.find((e) => e.type === 'tool_use');
    expect(part(tool)).toMatchObject({ tool: 'write', state: { status: 'completed' } });
    expect(run.events.filter((e) => e.type === 'text').map((e) => part(e).text)).toEqual([
      'Wrote hello.txt.',
    ]);
    const last = run.events.at(-1);
    expect(last?.type).toBe('step_finish');
    expect(part(last)).toMatchObject({ type: 'step-finish', reason: 'stop' });
    // Its title request has no tools: a side request that does not consume a turn.
    expect(result.requests.map((r) => r.role)).toContain('side');
    expect(result.requests.filter((r) => r.role === 'turn').map((r) => r.turn)).toEqual([0, 1]);
  });

  it('runs a shell command with the bash tool', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: opencodeSetup, script: RUN_BASH, read: ['bash.txt'] });
    expect(result.run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['bash.txt']).toBe('from-bash\n');
    const tool = result.run.events.find((e) => e.type === 'tool_use');
    expect(part(tool)).toMatchObject({ tool: 'bash', state: { status: 'completed' } });
  });

  it('on a 401 prints an error event (APIError, statusCode 401) and exits 1', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: opencodeSetup,
      script: WRITE_HELLO,
      failWith: 401,
      timeoutMs: 30_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(false);
    expect(run.exitCode).toBe(1);
    const error = run.events.find((e) => e.type === 'error');
    expect(error?.error).toMatchObject({ name: 'APIError', data: { statusCode: 401 } });
  });

  it('with no server it hangs without a line of output and must be killed', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: opencodeSetup,
      script: WRITE_HELLO,
      noServer: true,
      timeoutMs: 6_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.events.some((e) => e.type === 'step_finish')).toBe(false);
  });
});
