/**
 * goose: `goose run -i - --output-format stream-json`, the prompt on stdin. Success is a `complete` event,
 * no `error` event, a last assistant text that is not the max-turns notice, and exit 0. The stream carries
 * no session id, so a summary's sessionId is null and a resume needs a session name chosen elsewhere.
 */
import type { AgentBackend, AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { anySet, endpointKey, endpointKeyProblem, trimmedUrl } from './credentials.ts';
import { type JsonObject, num, obj, objects, parseJsonLine, str, textOf } from './json.ts';
import { noResult, summarize } from './summary.ts';

/**
 * goose's OpenAI-compatible provider for an endpoint: OPENAI_HOST is the origin and OPENAI_BASE_PATH the
 * rest, up to and including chat/completions (goose's default is v1/chat/completions).
 */
export function openAiHost(baseUrl: string): Record<string, string> {
  const url = new URL(trimmedUrl(baseUrl));
  const path = url.pathname.replace(/^\/+/, '');
  return {
    GOOSE_PROVIDER: 'openai',
    OPENAI_HOST: url.origin,
    OPENAI_BASE_PATH: `${path ? `${path}/` : ''}chat/completions`,
  };
}

/** What goose says, as a plain assistant text, when it stops at --max-turns. */
const MAX_TURNS_TEXT = "I've reached the maximum number of actions I can do without user input";
const APPROVAL_TEXT = 'Tool approval required';

/** The developer extension's editor: which commands write a file, and how. */
const EDITOR_COMMANDS: Readonly<Record<string, 'add' | 'update'>> = {
  write: 'add',
  str_replace: 'update',
  insert: 'update',
};

export const gooseBackend: AgentBackend = {
  name: 'goose',
  defaultBinary: 'goose',
  envKeys: [
    'GOOSE_PROVIDER',
    'GOOSE_MODEL',
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_HOST',
    'OPENAI_API_KEY',
    'OPENAI_HOST',
    'OPENAI_BASE_PATH',
    'GOOGLE_API_KEY',
    'OPENROUTER_API_KEY',
    'DATABRICKS_HOST',
    'DATABRICKS_TOKEN',
    'OLLAMA_HOST',
    'GOOSE_PROVIDER__TYPE',
    'GOOSE_PROVIDER__HOST',
    'GOOSE_PROVIDER__API_KEY',
  ],

  home: { credentials: ['.config/goose/secrets.yaml'], settings: ['.config/goose/config.yaml'] },

  credentialProblem(check) {
    if (check.endpoint) return endpointKeyProblem('goose', check, 'OPENAI_API_KEY');
    if (anySet(check.env, ['GOOSE_PROVIDER', 'GOOSE_PROVIDER__TYPE'])) return null;
    if (/^\s*GOOSE_PROVIDER\s*:/m.test(check.readHomeFile('.config/goose/config.yaml') ?? '')) return null;
    return "goose: no provider configured: set GOOSE_PROVIDER and its key in Workhorse's environment, run `goose configure` as the user who runs Workhorse, or give the role a baseUrl";
  },

  commandLine(invocation, binary) {
    // `-i -` reads the instructions from stdin, which keeps long prompts out of argv.
    const args = ['run', '-i', '-', '--output-format', 'stream-json', '--with-builtin', 'developer'];
    if (invocation.model) args.push('--model', invocation.model);
    if (invocation.maxTurns) args.push('--max-turns', String(invocation.maxTurns));
    // goose resumes by session name (or id); the `=` form keeps a name from being read as a flag.
    if (invocation.resumeSessionId) args.push('-r', `--name=${invocation.resumeSessionId}`);
    // auto approves tool calls headless (other modes fail on the first one); the keyring can block on
    // an unlock prompt, and keys come from the environment anyway.
    const env: Record<string, string> = { GOOSE_MODE: 'auto', GOOSE_DISABLE_KEYRING: '1' };
    const { endpoint } = invocation;
    if (!endpoint) return { command: binary, args, stdin: invocation.prompt, env };
    const key = endpointKey(endpoint, 'OPENAI_API_KEY');
    return {
      command: binary,
      args,
      stdin: invocation.prompt,
      env: { ...env, ...key.env, ...openAiHost(endpoint.baseUrl) },
      keysFrom: key.keysFrom,
    };
  },

  createParser: () => new GooseParser(),
};

class GooseParser implements StreamParser {
  private complete = false;
  private error: string | null = null;
  private lastText = '';
  private usage = { inputTokens: 0, outputTokens: 0, costUsd: null as number | null };
  /** toolRequest id → the file it writes, reported once its toolResponse says it worked. */
  private readonly pendingEdits = new Map<string, { path: string; kind: 'add' | 'update' }>();

  line(text: string): AgentEvent[] {
    const event = parseJsonLine(text);
    if (!event) return [];
    switch (str(event, 'type')) {
      case 'message':
        return this.message(obj(event, 'message'));
      case 'error': {
        const message = str(event, 'error') ?? textOf(event.error);
        this.error = message;
        const events: AgentEvent[] = [{ type: 'error', message }];
        if (message.includes(APPROVAL_TEXT)) events.push({ type: 'needs_input', question: message });
        return events;
      }
      case 'complete': {
        this.complete = true;
        this.usage = {
          inputTokens: num(event, 'input_tokens') ?? 0,
          outputTokens: num(event, 'output_tokens') ?? 0,
          costUsd: num(event, 'cost_usd'),
        };
        return [{ type: 'usage', ...this.usage }];
      }
      default:
        return [];
    }
  }

  private message(message: JsonObject | null): AgentEvent[] {
    const events: AgentEvent[] = [];
    const assistant = str(message, 'role') === 'assistant';
    for (const content of objects(message, 'content')) {
      const type = str(content, 'type');
      const contentText = str(content, 'text');
      if (type === 'text' && assistant && contentText) {
        this.lastText = contentText;
        events.push({ type: 'message', text: contentText });
      } else if (type === 'toolRequest') {
        const value = obj(obj(content, 'toolCall'), 'value');
        const name = str(value, 'name') ?? '';
        const args = obj(value, 'arguments');
        events.push({ type: 'tool_call', name, input: value?.arguments ?? null });
        const kind = EDITOR_COMMANDS[str(args, 'command') ?? ''];
        const path = str(args, 'path');
        if (name.endsWith('text_editor') && kind && path) {
          this.pendingEdits.set(str(content, 'id') ?? '', { path, kind });
        }
      } else if (type === 'toolResponse') {
        const result = obj(content, 'toolResult');
        const ok = str(result, 'status') === 'success';
        events.push({
          type: 'tool_result',
          ok,
          output: textOf(ok ? result?.value : (result?.error ?? result)),
        });
        const edit = this.pendingEdits.get(str(content, 'id') ?? '');
        if (edit && ok) events.push({ type: 'file_edit', ...edit });
      }
    }
    return events;
  }

  finish(exitCode: number | null): AgentSummary {
    const maxTurns = this.lastText.includes(MAX_TURNS_TEXT);
    const ok = exitCode === 0 && this.complete && this.error === null && !maxTurns;
    const outcome = { ok, sessionId: null, finalText: this.lastText, usage: { ...this.usage } };
    return summarize('goose', exitCode, outcome, (code) => {
      if (this.error?.includes(APPROVAL_TEXT)) return 'goose: tool approval required (set GOOSE_MODE=auto)';
      if (this.error && /\b401\b|unauthori[sz]ed|authentication|api key/i.test(this.error))
        return 'goose: authentication failed (check GOOSE_PROVIDER and its key, e.g. ANTHROPIC_API_KEY)';
      if (this.error) return `goose: ${this.error}`;
      if (maxTurns) return 'goose: max turns reached';
      if (!this.complete) return noResult('goose', code);
      return null;
    });
  }
}
