/**
 * The scripted backend: plays a recipe instead of asking a model (see ../scripted/agent.mjs). Deterministic,
 * for demos and end-to-end tests; it runs as a real child process through the same runner as every CLI.
 */
import { fileURLToPath } from 'node:url';
import type { AgentBackend, AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { num, parseJsonLine, str } from './json.ts';

const AGENT_SCRIPT = fileURLToPath(new URL('../scripted/agent.mjs', import.meta.url));

function createParser(): StreamParser {
  const summary: AgentSummary = {
    ok: false,
    sessionId: null,
    finalText: '',
    error: 'exited without a result',
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  };
  let sawResult = false;
  return {
    line(text) {
      const record = parseJsonLine(text);
      if (!record) return [];
      const events: AgentEvent[] = [];
      switch (record.type) {
        case 'session':
          summary.sessionId = str(record, 'session_id');
          if (summary.sessionId) events.push({ type: 'session', sessionId: summary.sessionId });
          break;
        case 'message':
          events.push({ type: 'message', text: str(record, 'text') ?? '' });
          break;
        case 'file_edit':
          events.push({
            type: 'file_edit',
            path: str(record, 'path') ?? '',
            kind: record.kind === 'add' ? 'add' : 'update',
          });
          break;
        case 'tool_call':
          events.push({ type: 'tool_call', name: str(record, 'name') ?? 'bash', input: record.input });
          break;
        case 'tool_result':
          events.push({ type: 'tool_result', ok: record.ok === true, output: str(record, 'output') ?? '' });
          break;
        case 'usage':
          summary.usage = {
            inputTokens: num(record, 'input_tokens') ?? 0,
            outputTokens: num(record, 'output_tokens') ?? 0,
            costUsd: num(record, 'cost_usd') ?? 0,
          };
          events.push({ type: 'usage', ...summary.usage });
          break;
        case 'result':
          sawResult = true;
          summary.ok = record.ok === true;
          summary.finalText = str(record, 'text') ?? '';
          summary.error = summary.ok ? null : summary.finalText;
          events.push({ type: 'result', ok: summary.ok, text: summary.finalText });
          break;
      }
      return events;
    },
    finish(exitCode) {
      if (exitCode === null) return { ...summary, ok: false, error: 'killed (timeout or cancel)' };
      if (!sawResult) return { ...summary, ok: false, error: 'exited without a result' };
      if (exitCode !== 0)
        return { ...summary, ok: false, error: summary.error ?? `exited with code ${exitCode}` };
      return summary;
    },
  };
}

export const scriptedBackend: AgentBackend = {
  name: 'scripted',
  defaultBinary: process.execPath,
  envKeys: [],
  commandLine(invocation, binary) {
    const labels = invocation.labels ?? {};
    return {
      command: binary,
      args: [AGENT_SCRIPT],
      stdin: invocation.prompt,
      env: {
        WH_SCRIPT_RECIPE: labels.recipe ?? '',
        WH_SCRIPT_ROLE: labels.role ?? '',
        WH_SCRIPT_TASK: labels.task ?? '',
      },
    };
  },
  createParser,
};
