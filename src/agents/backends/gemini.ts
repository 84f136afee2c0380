/**
 * Gemini CLI: `gemini -p '' -o stream-json`, the prompt on stdin. Success is `result.status === "success"`
 * and exit 0. Gemini reports no cost and has no turn-limit flag (settings `model.maxSessionTurns`).
 */
import type { AgentBackend, AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { anySet, endpointKey, endpointKeyProblem, trimmedUrl } from './credentials.ts';
import { type JsonObject, num, obj, parseJsonLine, str, textOf } from './json.ts';
import { noResult, summarize } from './summary.ts';

const LOGIN_VARIABLES = [
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'GOOGLE_GENAI_USE_GCA',
];

/**
 * ~/.gemini/settings.json for an endpoint: the auth type pinned to an API key (from the environment alone
 * 0.61 infers `gateway` for a base URL and then refuses it headless: "Invalid auth method selected.", exit
 * 41), and no usage statistics, telemetry or update checks, so nothing leaves but the model requests.
 */
const ENDPOINT_SETTINGS = `${JSON.stringify(
  {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  },
  null,
  2,
)}\n`;

/** Exit codes from gemini-cli's errors.ts, with what a reader should do about them. */
const EXIT_CODES: Readonly<Record<number, string>> = {
  // Also what 0.61 does with GOOGLE_GEMINI_BASE_URL set and no auth type selected in the user's settings
  // ("Invalid auth method selected."): Workhorse does not write those settings (docs/agent-clis-verified.md).
  41: 'gemini: authentication failed (set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI with its credentials; with GOOGLE_GEMINI_BASE_URL, also set security.auth.selectedType "gemini-api-key" in ~/.gemini/settings.json)',
  42: 'gemini: input error',
  44: 'gemini: sandbox error',
  52: 'gemini: configuration error',
  53: 'gemini: turn limit reached (model.maxSessionTurns)',
  54: 'gemini: tool execution error',
  55: 'gemini: workspace not trusted (pass --skip-trust)',
  130: 'gemini: cancelled',
};

/** Tools whose successful result means a file was written; write_file may also overwrite. */
const EDIT_TOOLS: Readonly<Record<string, 'add' | 'update'>> = { write_file: 'add', replace: 'update' };

export const geminiBackend: AgentBackend = {
  name: 'gemini',
  defaultBinary: 'gemini',
  envKeys: [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GOOGLE_GENAI_USE_GCA',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_GEMINI_BASE_URL',
    'GEMINI_MODEL',
  ],

  home: {
    credentials: ['.gemini/oauth_creds.json', '.gemini/google_accounts.json'],
    settings: ['.gemini/settings.json'],
  },

  credentialProblem(check) {
    if (check.endpoint) return endpointKeyProblem('gemini', check, 'GEMINI_API_KEY');
    if (anySet(check.env, LOGIN_VARIABLES) || check.hasHomeFile('.gemini/oauth_creds.json')) return null;
    return "gemini: no credentials: set GEMINI_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI with its credentials) in Workhorse's environment, log in with `gemini` as the user who runs Workhorse, or give the role a baseUrl";
  },

  commandLine(invocation, binary) {
    // Piped stdin is prepended to the -p text, so an empty -p runs headless with stdin as the whole prompt.
    // gemini waits only 500 ms for the first stdin chunk, so the runner must write it at once.
    const args = ['-p', '', '-o', 'stream-json', '--approval-mode', 'yolo', '--skip-trust'];
    if (invocation.model) args.push('-m', invocation.model);
    // The `=` form keeps an id from being read as a flag.
    if (invocation.resumeSessionId) args.push(`--resume=${invocation.resumeSessionId}`);
    const { endpoint } = invocation;
    if (!endpoint) return { command: binary, args, stdin: invocation.prompt, env: {} };
    const key = endpointKey(endpoint, 'GEMINI_API_KEY');
    return {
      command: binary,
      args,
      stdin: invocation.prompt,
      env: { ...key.env, GOOGLE_GEMINI_BASE_URL: trimmedUrl(endpoint.baseUrl) },
      keysFrom: key.keysFrom,
      homeFiles: { '.gemini/settings.json': ENDPOINT_SETTINGS },
    };
  },

  createParser: () => new GeminiParser(),
};

class GeminiParser implements StreamParser {
  private sessionId: string | null = null;
  private result: JsonObject | null = null;
  private lastError: string | null = null;
  /** Assistant text arrives in deltas; they are joined into one message per stretch of text. */
  private pendingText = '';
  private lastText = '';
  private usage = { inputTokens: 0, outputTokens: 0, costUsd: null };
  /** tool_id → the file it writes, reported once its tool_result says it worked. */
  private readonly pendingEdits = new Map<string, { path: string; kind: 'add' | 'update' }>();

  line(text: string): AgentEvent[] {
    const event = parseJsonLine(text);
    if (!event) return [];
    const type = str(event, 'type');
    if (type === 'message') {
      if (str(event, 'role') !== 'assistant') return [];
      this.pendingText += str(event, 'content') ?? '';
      return event.delta === true ? [] : this.flush();
    }
    const events = this.flush();
    switch (type) {
      case 'init': {
        const sessionId = str(event, 'session_id');
        if (sessionId) {
          this.sessionId = sessionId;
          events.push({ type: 'session', sessionId });
        }
        break;
      }
      case 'tool_use': {
        const name = str(event, 'tool_name') ?? '';
        events.push({ type: 'tool_call', name, input: event.parameters ?? null });
        const kind = EDIT_TOOLS[name];
        const path = str(obj(event, 'parameters'), 'file_path');
        if (kind && path) this.pendingEdits.set(str(event, 'tool_id') ?? '', { path, kind });
        break;
      }
      case 'tool_result': {
        const ok = str(event, 'status') === 'success';
        const output = ok
          ? textOf(event.output)
          : (str(obj(event, 'error'), 'message') ?? textOf(event.error));
        events.push({ type: 'tool_result', ok, output });
        const edit = this.pendingEdits.get(str(event, 'tool_id') ?? '');
        if (edit && ok) events.push({ type: 'file_edit', ...edit });
        break;
      }
      case 'error': {
        // Non-fatal (warnings included); the result line decides the run.
        const message = str(event, 'message') ?? 'error';
        this.lastError = message;
        events.push({ type: 'error', message });
        break;
      }
      case 'result': {
        this.result = event;
        const stats = obj(event, 'stats');
        this.usage = {
          inputTokens: num(stats, 'input_tokens') ?? 0,
          outputTokens: num(stats, 'output_tokens') ?? 0,
          costUsd: null,
        };
        events.push({ type: 'usage', ...this.usage });
        events.push({ type: 'result', ok: str(event, 'status') === 'success', text: this.lastText });
        break;
      }
    }
    return events;
  }

  private flush(): AgentEvent[] {
    const text = this.pendingText;
    this.pendingText = '';
    if (!text) return [];
    this.lastText = text;
    return [{ type: 'message', text }];
  }

  finish(exitCode: number | null): AgentSummary {
    this.flush();
    const ok = exitCode === 0 && str(this.result, 'status') === 'success';
    const outcome = { ok, sessionId: this.sessionId, finalText: this.lastText, usage: { ...this.usage } };
    return summarize('gemini', exitCode, outcome, (code) => {
      const resultError = obj(this.result, 'error');
      if (EXIT_CODES[code]) return EXIT_CODES[code] ?? null;
      if (resultError) return `gemini: ${str(resultError, 'message') ?? textOf(resultError)}`;
      if (!this.result) return noResult('gemini', code);
      if (str(this.result, 'status') !== 'success') return `gemini: ${this.lastError ?? 'run failed'}`;
      return null;
    });
  }
}
