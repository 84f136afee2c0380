/** Codex CLI 0.169 for real, against the scripted OpenAI Responses API (its only wire API now). */
import { describe, expect, it } from 'vitest';
import { codexSetup } from '../support/model-server/clis.ts';
import { describeRun, RUN_BASH, runScripted, WRITE_HELLO } from '../support/model-server/scripted-run.ts';

const TIMEOUT = 60_000;

type Event = Record<string, unknown>;
const item = (event: Event): Record<string, unknown> => (event.item ?? {}) as Record<string, unknown>;

describe('codex exec against the scripted model server', () => {
  it('writes hello.txt with apply_patch and ends with turn.completed', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: codexSetup, script: WRITE_HELLO, read: ['hello.txt'] });
    const { run } = result;
    expect(run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['hello.txt']).toBe('hello from the scripted model\n');
    expect(run.events[0]).toMatchObject({ type: 'thread.started' });
    expect(run.events.at(-1)).toMatchObject({ type: 'turn.completed' });
    expect(run.events.some((e) => e.type === 'turn.failed' || e.type === 'error')).toBe(false);
    const change = run.events.find((e) => e.type === 'item.completed' && item(e).type === 'file_change');
    // Codex exits 0 even when the patch fails (status "failed"), so the item status is the real test.
    expect(change && item(change)).toMatchObject({ status: 'completed', changes: [{ kind: 'add' }] });
    const messages = run.events.filter(
      (e) => e.type === 'item.completed' && item(e).type === 'agent_message',
    );
    expect(messages.map((e) => item(e).text)).toEqual(['Wrote hello.txt.']);
    const first = result.requests.find((r) => r.role === 'turn');
    expect(first?.url).toBe('/v1/responses');
    expect(JSON.stringify(first?.body)).toContain('"name":"apply_patch"');
  });

  it('runs a shell command with exec_command', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({ setup: codexSetup, script: RUN_BASH, read: ['bash.txt'] });
    expect(result.run.exitCode, describeRun(result)).toBe(0);
    expect(result.files['bash.txt']).toBe('from-bash\n');
    const command = result.run.events.find(
      (e) => e.type === 'item.completed' && item(e).type === 'command_execution',
    );
    expect(command && item(command)).toMatchObject({ exit_code: 0, status: 'completed' });
  });

  it('fails at once on a 401: exit 1 with turn.failed naming the status', { timeout: TIMEOUT }, async () => {
    const result = await runScripted({
      setup: codexSetup,
      script: WRITE_HELLO,
      failWith: 401,
      timeoutMs: 20_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(false);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toMatchObject({ type: 'turn.failed' });
    expect(JSON.stringify(run.events.at(-1))).toContain('401 Unauthorized');
  });

  it('without its provider key fails at once: exit 1, "Missing environment variable"', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: codexSetup,
      script: WRITE_HELLO,
      apiKey: null,
      timeoutMs: 20_000,
    });
    expect(result.run.exitCode, describeRun(result)).toBe(1);
    expect(JSON.stringify(result.run.events.at(-1))).toMatch(/turn\.failed.*Missing environment variable/);
    expect(result.requests.filter((r) => r.api !== null)).toEqual([]);
  });

  it('with no server it never gives up ("Reconnecting... waiting for network") and must be killed', {
    timeout: TIMEOUT,
  }, async () => {
    const result = await runScripted({
      setup: codexSetup,
      script: WRITE_HELLO,
      noServer: true,
      timeoutMs: 6_000,
    });
    const { run } = result;
    expect(run.timedOut, describeRun(result)).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.events.some((e) => e.type === 'turn.completed')).toBe(false);
    expect(run.events.some((e) => e.type === 'error' && String(e.message).startsWith('Reconnecting'))).toBe(
      true,
    );
  });
});
