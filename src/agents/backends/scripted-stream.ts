/**
 * How the scripted agent's stream reads (see ../scripted/agent.mjs): one JSON record per line. Kept apart
 * from the backend, which reads recipes from disk, so the dashboard can parse a scripted job's log with
 * the same code the worker judges it by.
 */
import type { AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { num, parseJsonLine, str } from './json.ts';

/** The backend's name, as settings and jobs spell it. */
export const SCRIPTED_BACKEND = 'scripted';

export function createParser(): StreamParser {
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
