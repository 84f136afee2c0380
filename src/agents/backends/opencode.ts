/**
 * opencode 1.x: `opencode run --format json --auto`, the prompt on stdin. Success is exit 0 with no
 * `error` event. There is no totals event: usage is the sum of the `step_finish` parts.
 */
import type { AgentBackend, AgentEvent, AgentInvocation, AgentSummary, StreamParser } from '../types.ts';
import { anySet, endpointKeyProblem, trimmedUrl } from './credentials.ts';
import { bool, type JsonObject, num, obj, parseJsonLine, str, textOf } from './json.ts';
import { summarize } from './summary.ts';

/** Keys of the providers opencode reads from the environment. */
const PROVIDER_KEYS = [
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'OPENROUTER_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GENERATIVE_AI_API_KEY',
  'OPENCODE_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_BEARER_TOKEN_BEDROCK',
];

const SETTINGS = [
  '.config/opencode/opencode.json',
  '.config/opencode/opencode.jsonc',
  '.config/opencode/config.json',
];

/** The provider an endpoint the user chose is configured as. */
const ENDPOINT_PROVIDER = 'workhorse';

/** opencode's own hosted models: used only when the role's model names them. */
function choseHostedOpencode(model: string | null): boolean {
  return model?.startsWith('opencode/') ?? false;
}

/**
 * The config opencode gets on top of the user's: with no key at all, opencode 1.x silently falls back to
 * its hosted free models, sending the user's code to a provider nobody chose; that provider is off unless
 * the role's model names it. An endpoint becomes the one enabled provider.
 */
export function configFor(invocation: AgentInvocation): Record<string, unknown> {
  const base = {
    autoupdate: false,
    share: 'disabled',
    ...(choseHostedOpencode(invocation.model) ? {} : { disabled_providers: ['opencode'] }),
  };
  const { endpoint, model } = invocation;
  if (!endpoint || !model) return base;
  return {
    ...base,
    enabled_providers: [ENDPOINT_PROVIDER],
    model: `${ENDPOINT_PROVIDER}/${model}`,
    provider: {
      [ENDPOINT_PROVIDER]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Workhorse endpoint',
        options: {
          baseURL: trimmedUrl(endpoint.baseUrl),
          ...(endpoint.apiKeyEnv ? { apiKey: `{env:${endpoint.apiKeyEnv}}` } : {}),
        },
        models: { [model]: { name: model, tool_call: true } },
      },
    },
  };
}

const AUTH_HINT = 'opencode: authentication failed (check the provider key, e.g. ANTHROPIC_API_KEY)';

export const opencodeBackend: AgentBackend = {
  name: 'opencode',
  defaultBinary: 'opencode',
  envKeys: [...PROVIDER_KEYS, 'ANTHROPIC_BASE_URL', 'OPENAI_BASE_URL', 'AWS_REGION', 'AWS_PROFILE'],

  home: { credentials: ['.local/share/opencode/auth.json'], settings: SETTINGS },

  credentialProblem(check) {
    if (check.endpoint) {
      if (!check.model)
        return 'opencode: a role with a baseUrl needs its model too (the name the endpoint serves it by)';
      const keyVariable = check.endpoint.apiKeyEnv;
      return keyVariable ? endpointKeyProblem('opencode', check, keyVariable) : null;
    }
    const keys = choseHostedOpencode(check.model)
      ? PROVIDER_KEYS
      : PROVIDER_KEYS.filter((key) => key !== 'OPENCODE_API_KEY');
    if (anySet(check.env, keys) || check.hasHomeFile('.local/share/opencode/auth.json')) return null;
    const settings = SETTINGS.map((rel) => check.readHomeFile(rel) ?? '').join('\n');
    if (/"provider"\s*:/.test(settings)) return null;
    return `opencode: no provider key: set one of ${keys.join(', ')} in Workhorse's environment, log in with \`opencode auth login\` as the user who runs Workhorse, or give the role a baseUrl and model`;
  },

  commandLine(invocation, binary) {
    // --dir although the process runs in the worktree: 1.18 resolves its project from $PWD before
    // process.cwd(), and an inherited PWD would point at Workhorse's own directory.
    const args = ['run', '--format', 'json', '--auto', '--dir', invocation.cwd];
    const { endpoint, model } = invocation;
    if (endpoint && model) args.push('-m', `${ENDPOINT_PROVIDER}/${model}`);
    else if (model) args.push('-m', model);
    // The `=` form keeps an id from being read as a flag.
    if (invocation.resumeSessionId) args.push(`--session=${invocation.resumeSessionId}`);
    // No message argument: piped stdin becomes the whole message.
    return {
      command: binary,
      args,
      stdin: invocation.prompt,
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify(configFor(invocation)),
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_SHARE: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
        // With an endpoint of the user's own, nothing goes anywhere else: no model catalogue, no plugin
        // downloads (opencode installs its plugin package into every fresh HOME otherwise).
        ...(endpoint
          ? {
              OPENCODE_DISABLE_MODELS_FETCH: '1',
              OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
              npm_config_offline: 'true',
            }
          : {}),
      },
      passKeys: endpoint?.apiKeyEnv ? [endpoint.apiKeyEnv] : [],
    };
  },

  createParser: () => new OpencodeParser(),
};

class OpencodeParser implements StreamParser {
  private sessionId: string | null = null;
  private error: JsonObject | null = null;
  private errorText: string | null = null;
  private finalText = '';
  private inputTokens = 0;
  private outputTokens = 0;
  private costUsd = 0;

  line(text: string): AgentEvent[] {
    const event = parseJsonLine(text);
    if (!event) return [];
    const events: AgentEvent[] = [];
    const sessionId = str(event, 'sessionID');
    if (sessionId && sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      events.push({ type: 'session', sessionId });
    }
    const part = obj(event, 'part');
    switch (str(event, 'type')) {
      case 'text': {
        const partText = str(part, 'text');
        if (partText) {
          this.finalText = partText;
          events.push({ type: 'message', text: partText });
        }
        break;
      }
      case 'tool_use':
        events.push(...toolEvents(part));
        break;
      case 'step_finish': {
        const tokens = obj(part, 'tokens');
        const cache = obj(tokens, 'cache');
        // Input counts cached prompt tokens too, and output the reasoning tokens, as the other CLIs do.
        this.inputTokens +=
          (num(tokens, 'input') ?? 0) + (num(cache, 'read') ?? 0) + (num(cache, 'write') ?? 0);
        this.outputTokens += (num(tokens, 'output') ?? 0) + (num(tokens, 'reasoning') ?? 0);
        this.costUsd += num(part, 'cost') ?? 0;
        events.push({ type: 'usage', ...this.usage() });
        break;
      }
      case 'error': {
        // V1 NamedError {name, data{message}}; V2 {type?, message}.
        const error = obj(event, 'error');
        const message =
          str(obj(error, 'data'), 'message') ??
          str(error, 'message') ??
          str(error, 'name') ??
          textOf(event.error);
        this.error = error ?? {};
        this.errorText = message;
        events.push({ type: 'error', message });
        break;
      }
      case 'done':
        // Newest V1 only: permissions that were asked for and rejected.
        for (const rejected of Array.isArray(event.rejected) ? event.rejected : []) {
          events.push({ type: 'needs_input', question: `permission rejected: ${textOf(rejected)}` });
        }
        break;
    }
    return events;
  }

  private usage() {
    return { inputTokens: this.inputTokens, outputTokens: this.outputTokens, costUsd: this.costUsd };
  }

  finish(exitCode: number | null): AgentSummary {
    const ok = exitCode === 0 && this.error === null;
    const outcome = { ok, sessionId: this.sessionId, finalText: this.finalText, usage: this.usage() };
    return summarize('opencode', exitCode, outcome, () => {
      const name = str(this.error, 'name') ?? str(this.error, 'type') ?? '';
      if (name === 'ProviderAuthError' || /\b401\b|unauthori[sz]ed|api key/i.test(this.errorText ?? ''))
        return AUTH_HINT;
      if (this.errorText) return `opencode: ${this.errorText}`;
      return null;
    });
  }
}

/** A finished tool part: the call, its result, and the file it wrote when it is an edit tool that worked. */
function toolEvents(part: JsonObject | null): AgentEvent[] {
  const state = obj(part, 'state');
  const input = obj(state, 'input');
  const name = str(part, 'tool') ?? '';
  const ok = str(state, 'status') === 'completed';
  const events: AgentEvent[] = [
    { type: 'tool_call', name, input: state?.input ?? null },
    { type: 'tool_result', ok, output: ok ? textOf(state?.output) : textOf(state?.error) },
  ];
  const path = str(input, 'filePath');
  if (ok && path && (name === 'write' || name === 'edit' || name === 'multiedit')) {
    // write reports in its metadata whether the file already existed.
    const existed = name !== 'write' || bool(obj(state, 'metadata'), 'exists') === true;
    events.push({ type: 'file_edit', path, kind: existed ? 'update' : 'add' });
  }
  return events;
}
