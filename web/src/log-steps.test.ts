/**
 * A job's log read as steps by its backend's own parser: Workhorse's lines, messages, tool calls with their
 * input folded, results, errors; plain output kept together; stream times kept; search over text and detail.
 */
import { describe, expect, it } from 'vitest';
import { logSteps, searchSteps } from './log-steps.ts';

const CLAUDE_LOG = [
  '[workhorse] claude as dev in /wt (attempt 1; sandboxed)',
  '{"type":"system","subtype":"init","session_id":"s1","model":"m"}',
  '{"type":"assistant","message":{"content":[{"type":"text","text":"Running the tests."},{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"npm test"}}]},"session_id":"s1"}',
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"1 failing","is_error":true}]},"session_id":"s1"}',
  'a warning on stderr',
  'and its second line',
  '{"type":"result","subtype":"success","is_error":false,"result":"Done.","session_id":"s1","usage":{"input_tokens":1,"output_tokens":1}}',
  '',
  '[workhorse] exit 0 after 12 s; agent reports success',
].join('\n');

describe('logSteps', () => {
  it("reads a claude stream with claude's parser", () => {
    const steps = logSteps(CLAUDE_LOG, 'claude');
    expect(steps.map((step) => [step.kind, step.text])).toEqual([
      ['workhorse', 'claude as dev in /wt (attempt 1; sandboxed)'],
      ['message', 'Running the tests.'],
      ['tool', 'Bash'],
      ['error', '1 failing'],
      ['output', 'a warning on stderr\nand its second line'],
      ['done', 'Done.'],
      ['workhorse', 'exit 0 after 12 s; agent reports success'],
    ]);
    expect(JSON.parse(steps[2]!.detail!)).toEqual({ command: 'npm test' });
  });

  it('keeps the times a stream carries, and every line of a backend it has no parser for', () => {
    const opencode =
      '{"type":"text","timestamp":1785046007001,"sessionID":"s","part":{"type":"text","text":"hi"}}';
    expect(logSteps(opencode, 'opencode')).toEqual([
      { kind: 'message', text: 'hi', detail: null, at: 1785046007001 },
    ]);
    expect(logSteps('{"type":"message","text":"x"}\nplain', 'a-command')).toEqual([
      { kind: 'output', text: '{"type":"message","text":"x"}\nplain', detail: null, at: null },
    ]);
  });

  it("reads the scripted agent's stream as steps, as the worker does", () => {
    const log = [
      '{"type":"session","session_id":"scripted-dev-1"}',
      '{"type":"message","text":"Reading the task"}',
      '{"type":"tool_call","name":"bash","input":{"command":"echo hi"}}',
      '{"type":"tool_result","ok":true,"output":"hi\\n"}',
      '{"type":"file_edit","path":"health.txt","kind":"add"}',
      '{"type":"result","ok":true,"text":"done"}',
    ].join('\n');
    const running = `[workhorse] scripted as dev in /wt (attempt 1; sandboxed)\n${log}`;
    // A running job has no backend on its row yet: the log's opening line names it.
    expect(logSteps(running, null).map((step) => step.kind)).toEqual([
      'workhorse',
      'message',
      'tool',
      'result',
      'file',
      'done',
    ]);
    expect(logSteps(log, 'scripted').map((step) => [step.kind, step.text])).toEqual([
      ['message', 'Reading the task'],
      ['tool', 'bash'],
      ['result', 'hi\n'],
      ['file', 'add health.txt'],
      ['done', 'done'],
    ]);
  });

  it('times each step by when its line was written, where the stream carries no time', () => {
    const first = '[workhorse] claude as dev in /wt (attempt 1; sandboxed)\n';
    const second = 'stderr one\nstderr two\n';
    const log = `${first}${second}[workhorse] exit 0 after 12 s; agent reports success\n`;
    const times = [
      { offset: 0, at: 1_000 },
      { offset: first.length, at: 4_000 },
      { offset: first.length + second.length, at: 16_000 },
    ];
    expect(logSteps(log, 'claude', times).map((step) => [step.kind, step.at])).toEqual([
      ['workhorse', 1_000],
      ['output', 4_000],
      ['workhorse', 16_000],
    ]);
    // Lines before the first known chunk (its events pruned) have no time.
    expect(logSteps(log, 'claude', times.slice(1))[0]!.at).toBeNull();
  });

  it('searches text and folded detail', () => {
    const steps = logSteps(CLAUDE_LOG, 'claude');
    expect(searchSteps(steps, 'NPM TEST').map((step) => step.text)).toEqual(['Bash']);
    expect(searchSteps(steps, '  ')).toHaveLength(steps.length);
  });
});
