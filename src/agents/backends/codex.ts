/**
 * OpenAI Codex: `codex exec --json ... -`, the prompt on stdin. Success is exit 0 with no `turn.failed`
 * and no item that codex could not carry out: a file change that failed or was declined (codex 0.169
 * exits 0 when its patch could not be written), or a command that was declined or never ran to an exit
 * code. A command that ran and exited non-zero (a red test) is the agent's business, not a failed run.
 * Codex reports no cost, and has no turn limit (the runner's timeout is the only bound).
 */
import type { AgentBackend, AgentEvent, AgentSummary, ModelEndpoint, StreamParser } from '../types.ts';
import { anySet, endpointKeyProblem, trimmedUrl } from './credentials.ts';
import { isObject, type JsonObject, num, obj, objects, parseJsonLine, str, textOf } from './json.ts';
import { summarize } from './summary.ts';

const LOGIN_VARIABLES = ['CODEX_API_KEY', 'OPENAI_API_KEY', 'CODEX_ACCESS_TOKEN'];

/**
 * ~/.codex/config.toml for an endpoint the user chose: a provider of its own (codex speaks the Responses
 * API to it; it rejects `wire_api = "chat"`), and none of codex's own outbound traffic (update checks,
 * analytics, the plugin catalogue), so that nothing leaves for anywhere else.
 */
export function endpointConfig(endpoint: ModelEndpoint, model: string | null): string {
  return [
    ...(model ? [`model = ${JSON.stringify(model)}`] : []),
    'model_provider = "workhorse"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'in_app_updates = false',
    'apps = false',
    '',
    '[model_providers.workhorse]',
    'name = "Workhorse endpoint"',
    `base_url = ${JSON.stringify(trimmedUrl(endpoint.baseUrl))}`,
    ...(endpoint.apiKeyEnv ? [`env_key = ${JSON.stringify(endpoint.apiKeyEnv)}`] : []),
    'wire_api = "responses"',
    '',
  ].join('\n');
}

const AUTH_HINT = 'codex: authentication failed (check CODEX_API_KEY or OPENAI_API_KEY)';

export const codexBackend: AgentBackend = {
  name: 'codex',
  defaultBinary: 'codex',
  envKeys: [
    'CODEX_API_KEY',
    'OPENAI_API_KEY',
    'CODEX_ACCESS_TOKEN',
    'OPENAI_BASE_URL',
    'OPENAI_ORGANIZATION',
  ],

  home: { credentials: ['.codex/auth.json'], settings: ['.codex/config.toml'] },

  credentialProblem(check) {
    if (check.endpoint) {
      const keyVariable = check.endpoint.apiKeyEnv;
      return keyVariable ? endpointKeyProblem('codex', check, keyVariable) : null;
    }
    if (anySet(check.env, LOGIN_VARIABLES) || check.hasHomeFile('.codex/auth.json')) return null;
    // A provider of the user's own in ~/.codex/config.toml (Ollama, a gateway) brings its own key rules.
    if (/^\s*model_provider\s*=/m.test(check.readHomeFile('.codex/config.toml') ?? '')) return null;
    return "codex: no credentials: set CODEX_API_KEY (or OPENAI_API_KEY) in Workhorse's environment, log in with `codex login` as the user who runs Workhorse, or give the role a baseUrl";
  },

  commandLine(invocation, binary) {
    // exec's own options go before `resume`: the resume subcommand rejects -C and --sandbox (0.169.0), and
    // its settings on resume are not inherited reliably, so they are always passed again.
    // Inside Workhorse's sandbox codex's own would nest and fail (it cannot write a file there): the outer
    // one is the boundary. Unconfined, codex keeps its own to the worktree.
    const args = [
      'exec',
      '--json',
      '-C',
      invocation.cwd,
      '--sandbox',
      invocation.confined ? 'danger-full-access' : 'workspace-write',
      '--skip-git-repo-check',
    ];
    if (invocation.model) args.push('-m', invocation.model);
    if (invocation.resumeSessionId) {
      // A positional argument: an id that looks like a flag would be parsed as one.
      if (invocation.resumeSessionId.startsWith('-')) {
        throw new Error(`codex: invalid session id ${JSON.stringify(invocation.resumeSessionId)}`);
      }
      args.push('resume', invocation.resumeSessionId);
    }
    // `-` reads the prompt from stdin.
    args.push('-');
    const { endpoint } = invocation;
    if (!endpoint) return { command: binary, args, stdin: invocation.prompt, env: {} };
    return {
      command: binary,
      args,
      stdin: invocation.prompt,
      env: {},
      homeFiles: { '.codex/config.toml': endpointConfig(endpoint, invocation.model) },
      passKeys: endpoint.apiKeyEnv ? [endpoint.apiKeyEnv] : [],
    };
  },

  createParser: () => new CodexParser(),
};

class CodexParser implements StreamParser {
  private sessionId: string | null = null;
  private finalText = '';
  private turnFailure: string | null = null;
  private lastError: string | null = null;
  /** Items codex could not carry out, described for the summary's error. */
  private readonly failedItems: string[] = [];
  private inputTokens = 0;
  private outputTokens = 0;

  line(text: string): AgentEvent[] {
    const event = parseJsonLine(text);
    if (!event) return [];
    switch (str(event, 'type')) {
      case 'thread.started': {
        const threadId = str(event, 'thread_id');
        if (!threadId) return [];
        this.sessionId = threadId;
        return [{ type: 'session', sessionId: threadId }];
      }
      case 'item.completed':
        return this.item(obj(event, 'item'));
      case 'turn.completed': {
        const usage = obj(event, 'usage');
        // input_tokens already includes cached_input_tokens.
        this.inputTokens += num(usage, 'input_tokens') ?? 0;
        this.outputTokens += num(usage, 'output_tokens') ?? 0;
        return [{ type: 'usage', ...this.usage() }];
      }
      case 'turn.failed': {
        const message = str(obj(event, 'error'), 'message') ?? 'turn failed';
        this.turnFailure = message;
        return [{ type: 'error', message }];
      }
      case 'error': {
        // Often transient ("Reconnecting... 2/5"); only turn.failed or the exit code decide the run.
        const message = str(event, 'message') ?? 'error';
        this.lastError = message;
        return [{ type: 'error', message }];
      }
      case 'request_user_input':
        return questionsOf(event.questions).map((question) => ({ type: 'needs_input', question }));
      default:
        return [];
    }
  }

  /** Items are reported once complete; item.started and item.updated add nothing the summary needs. */
  private item(item: JsonObject | null): AgentEvent[] {
    switch (str(item, 'type')) {
      case 'agent_message': {
        const text = str(item, 'text') ?? '';
        this.finalText = text;
        return [{ type: 'message', text }];
      }
      case 'command_execution': {
        const status = str(item, 'status');
        const command = str(item, 'command') ?? '';
        const events: AgentEvent[] = [
          { type: 'tool_call', name: 'command_execution', input: { command } },
          {
            type: 'tool_result',
            ok: status === 'completed' && num(item, 'exit_code') === 0,
            output: str(item, 'aggregated_output') ?? '',
          },
        ];
        if (status === 'declined' || (status === 'failed' && num(item, 'exit_code') === null))
          events.push(this.failedItem(item, `command ${JSON.stringify(command)}`));
        return events;
      }
      case 'file_change': {
        const status = str(item, 'status');
        if (status === 'failed' || status === 'declined') {
          const changes = objects(item, 'changes').map((c) => `${str(c, 'kind')} ${str(c, 'path')}`);
          return [this.failedItem(item, `file change (${changes.join(', ') || 'no paths'})`)];
        }
        if (status !== 'completed') return [];
        return objects(item, 'changes').flatMap((change): AgentEvent[] => {
          const path = str(change, 'path');
          const kind = str(change, 'kind');
          if (!path || (kind !== 'add' && kind !== 'update' && kind !== 'delete')) return [];
          return [{ type: 'file_edit', path, kind }];
        });
      }
      case 'mcp_tool_call': {
        const error = str(obj(item, 'error'), 'message') ?? str(item, 'error');
        return [
          {
            type: 'tool_call',
            name: `${str(item, 'server')}.${str(item, 'tool')}`,
            input: item?.arguments ?? null,
          },
          {
            type: 'tool_result',
            ok: str(item, 'status') === 'completed' && !error,
            // MCP results carry their text in `content` blocks.
            output: error ?? textOf(obj(item, 'result')?.content ?? item?.result),
          },
        ];
      }
      case 'web_search':
        return [{ type: 'tool_call', name: 'web_search', input: { query: str(item, 'query') ?? '' } }];
      case 'error': {
        const message = str(item, 'message') ?? 'error';
        this.lastError = message;
        return [{ type: 'error', message }];
      }
      default:
        return [];
    }
  }

  private failedItem(item: JsonObject | null, what: string): AgentEvent {
    const message = `${what} ${str(item, 'status')} (item ${str(item, 'id') ?? '?'})`;
    this.failedItems.push(message);
    return { type: 'error', message: `codex: ${message}` };
  }

  private usage() {
    return { inputTokens: this.inputTokens, outputTokens: this.outputTokens, costUsd: null };
  }

  finish(exitCode: number | null): AgentSummary {
    const ok = exitCode === 0 && this.turnFailure === null && this.failedItems.length === 0;
    return summarize(
      'codex',
      exitCode,
      { ok, sessionId: this.sessionId, finalText: this.finalText, usage: this.usage() },
      (code) => this.failure(code),
    );
  }

  private failure(exitCode: number): string | null {
    const message = this.turnFailure ?? this.lastError;
    if (message && /\b401\b|unauthorized|api key/i.test(message)) return AUTH_HINT;
    if (this.turnFailure) return `codex: turn failed: ${this.turnFailure}`;
    if (this.failedItems.length > 0)
      return `codex: not carried out: ${this.failedItems.join('; ')} (exit code ${exitCode})`;
    if (this.lastError) return `codex: ${this.lastError} (exit code ${exitCode})`;
    return null;
  }
}

/** `questions` of request_user_input: strings or objects with a question text; the shape is not pinned. */
function questionsOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => {
    if (typeof item === 'string') return [item];
    if (item === null || item === undefined) return [];
    if (isObject(item)) {
      const text = str(item, 'question') ?? str(item, 'text') ?? str(item, 'header');
      if (text) return [text];
    }
    return [JSON.stringify(item)];
  });
}
