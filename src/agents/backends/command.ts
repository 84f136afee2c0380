/**
 * Any executable as an agent: the prompt on stdin, each non-empty stdout line a message, success is exit 0.
 * For scripted agents and for tests; it reads no keys and reports no usage.
 */
import type { AgentBackend, AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { summarize } from './summary.ts';

export const commandBackend: AgentBackend = {
  name: 'command',
  // There is no sensible default program: a project names its own, and an empty name fails at spawn.
  defaultBinary: '',
  envKeys: [],
  home: { credentials: [], settings: [] },
  credentialProblem: () => null,

  commandLine(invocation, binary) {
    return { command: binary, args: [], stdin: invocation.prompt, env: {} };
  },

  createParser(): StreamParser {
    const lines: string[] = [];
    return {
      line(text: string): AgentEvent[] {
        const trimmed = text.replace(/\r$/, '');
        if (trimmed.trim() === '') return [];
        lines.push(trimmed);
        return [{ type: 'message', text: trimmed }];
      },
      finish(exitCode: number | null): AgentSummary {
        const ok = exitCode === 0;
        const usage = { inputTokens: 0, outputTokens: 0, costUsd: null };
        return summarize(
          'command',
          exitCode,
          { ok, sessionId: null, finalText: lines.join('\n'), usage },
          () => null,
        );
      },
    };
  },
};
