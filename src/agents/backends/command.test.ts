import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeFakeDirs, runFake } from '../../../test/fixtures/fake-clis/run-fake.ts';
import { commandBackend } from './command.ts';

afterAll(removeFakeDirs);

describe('command backend', () => {
  it('runs the binary with no arguments and the prompt on stdin, reading no keys', () => {
    expect(
      commandBackend.commandLine({ prompt: 'do it', cwd: '/wt', model: 'ignored' }, '/bin/agent'),
    ).toEqual({
      command: '/bin/agent',
      args: [],
      stdin: 'do it',
      env: {},
    });
    expect(commandBackend.envKeys).toEqual([]);
  });

  it('turns each non-empty line into a message, JSON or not', () => {
    const parser = commandBackend.createParser();
    const events = ['working', '', '   ', '{"type":"result"}', 'done\r'].flatMap((line) => parser.line(line));
    expect(events).toEqual([
      { type: 'message', text: 'working' },
      { type: 'message', text: '{"type":"result"}' },
      { type: 'message', text: 'done' },
    ]);
    expect(parser.finish(0)).toEqual({
      ok: true,
      sessionId: null,
      finalText: 'working\n{"type":"result"}\ndone',
      error: null,
      usage: { inputTokens: 0, outputTokens: 0, costUsd: null },
    });
  });

  it('is ok only on exit 0', () => {
    const parser = commandBackend.createParser();
    expect(parser.finish(3)).toMatchObject({ ok: false, error: 'command: exited with code 3' });
    expect(parser.finish(null)).toMatchObject({ ok: false, error: 'killed (timeout or cancel)' });
  });

  it('runs any executable in the worktree: here the fake CLI, each of whose lines is a message', async () => {
    const run = await runFake(commandBackend, { cli: 'codex' });
    expect(run.record.argv).toEqual([]);
    expect(run.record.cwd).toBe(run.dir);
    expect(run.record.stdin).toBe('Create hello.txt.');
    expect(readFileSync(join(run.dir, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(run.events).toHaveLength(7);
    expect(run.events.every((event) => event.type === 'message')).toBe(true);
    expect(run.summary).toMatchObject({ ok: true, sessionId: null, error: null });
    expect(run.summary.finalText.split('\n')).toHaveLength(7);
  });

  it("fails on the executable's non-zero exit", async () => {
    const run = await runFake(commandBackend, { cli: 'codex', exit: 4 });
    expect(run.summary).toMatchObject({ ok: false, error: 'command: exited with code 4' });
  });
});
