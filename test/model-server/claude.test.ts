/** Claude Code 2.1.x for real, against the scripted Anthropic Messages API. */
import { describe, expect, it } from 'vitest';
import { claudeSetup } from '../support/model-server/clis.ts';
import { describeRun, RUN_BASH, runScripted, WRITE_HELLO } from '../support/model-server/scripted-run.ts';

const TIMEOUT = 60_000;

describe('claude -p against the scripted model server', () => {
  it('writes hello.txt with the Write tool and ends with a success result', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({ setup: claudeSetup, script: WRITE_HELLO, read: ['hello.txt'] });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['hello.txt']).toBe('hello from the scripted model\n');
    expect(run.events[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expect(run.events.at(-1)).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'Wrote hello.txt.',
      num_turns: 2,
    });
    const toolUse = run.events.find(
      (e) => e.type === 'assistant' && JSON.stringify(e).includes('"tool_use"'),
    );
    expect(JSON.stringify(toolUse)).toContain('"name":"Write"');
    const turns = result.requests.filter((r) => r.role === 'turn').map((r) => [r.api, r.turn]);
    expect(turns).toEqual([
      ['anthropic', 0],
      ['anthropic', 1],
    ]);
    expect(result.requests[1]?.url ?? result.requests[0]?.url).toMatch(/^\/v1\/messages/);
  });

  it('runs a shell command with the Bash tool', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: claudeSetup, script: RUN_BASH, read: ['bash.txt'] });
    expect(result.run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['bash.txt']).toBe('from-bash\n');
    expect(result.run.events.at(-1)).toMatchObject({ type: 'result', is_error: false });
  });

  it('fails fast on a 401 when retries are off: exit 1, result is_error with api_error_status 401', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: claudeSetup,
      script: WRITE_HELLO,
      failWith: 401,
      timeoutMs: 30_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(false);
    expect(run.exitCode).toBe(1);
    // Note subtype "success" with is_error true: is_error is the field to test.
    expect(run.events.at(-1)).toMatchObject({ type: 'result', is_error: true, api_error_status: 401 });
    expect(result.requests.filter((r) => r.role === 'error').length).toBeGreaterThan(0);
  });

  it('without any key says "Not logged in" and exits 1 before calling the server', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: claudeSetup,
      script: WRITE_HELLO,
      apiKey: null,
      timeoutMs: 30_000,
    });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(1);
    expect(run.events.at(-1)).toMatchObject({ type: 'result', is_error: true });
    expect(String(run.events.at(-1)?.result)).toMatch(/Not logged in/);
    expect(result.requests.filter((r) => r.api === 'anthropic')).toEqual([]);
  });
});
