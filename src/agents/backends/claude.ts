/**
 * Claude Code: `claude -p --output-format stream-json --verbose`, the prompt on stdin. Success is
 * `is_error === false` on the result line (never `subtype`: an API failure comes as `subtype:"success"`
 * with `is_error:true`) and exit 0.
 */
import type { AgentBackend, AgentEvent, AgentSummary, StreamParser } from '../types.ts';
import { anySet, endpointKey, endpointKeyProblem, trimmedUrl } from './credentials.ts';
import { bool, type JsonObject, num, obj, objects, parseJsonLine, str, textOf } from './json.ts';
import { noResult, summarize } from './summary.ts';

/** Any one of these lets claude authenticate without a login file. */
const LOGIN_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
];

/** Tools whose successful result means a file was written; Write may also overwrite, the stream can't tell. */
const EDIT_TOOLS: Readonly<Record<string, 'add' | 'update'>> = {
  Write: 'add',
  Edit: 'update',
  MultiEdit: 'update',
  NotebookEdit: 'update',
};

/** Specific reasons for the assistant `error` values seen on failed API calls. */
const API_ERRORS: Readonly<Record<string, string>> = {
  authentication_failed: 'claude: authentication failed (check ANTHROPIC_API_KEY)',
  billing_error: 'claude: billing error on the account',
  rate_limit: 'claude: rate limited',
};

const SUBTYPES: Readonly<Record<string, string>> = {
  error_max_turns: 'claude: max turns reached',
  error_max_budget_usd: 'claude: budget exceeded (--max-budget-usd)',
  error_max_structured_output_retries: 'claude: structured output retries exhausted',
};

export const claudeBackend: AgentBackend = {
  name: 'claude',
  defaultBinary: 'claude',
  envKeys: [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'ANTHROPIC_CUSTOM_HEADERS',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'ANTHROPIC_MODEL',
    'ANTHROPIC_SMALL_FAST_MODEL',
    'ANTHROPIC_DEFAULT_OPUS_MODEL',
    'ANTHROPIC_DEFAULT_SONNET_MODEL',
    'ANTHROPIC_DEFAULT_HAIKU_MODEL',
    'CLAUDE_CODE_USE_BEDROCK',
    'CLAUDE_CODE_USE_VERTEX',
    'CLAUDE_CODE_USE_FOUNDRY',
    'ANTHROPIC_BEDROCK_BASE_URL',
    'ANTHROPIC_VERTEX_BASE_URL',
    'ANTHROPIC_VERTEX_PROJECT_ID',
    'CLOUD_ML_REGION',
    'AWS_REGION',
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_BEARER_TOKEN_BEDROCK',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],

  home: { credentials: ['.claude/.credentials.json'], settings: ['.claude.json', '.claude/settings.json'] },

  credentialProblem(check) {
    if (check.endpoint) return endpointKeyProblem('claude', check, 'ANTHROPIC_API_KEY');
    if (anySet(check.env, LOGIN_VARIABLES) || check.hasHomeFile('.claude/.credentials.json')) return null;
    return "claude: no credentials: set ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN, from `claude setup-token`) in Workhorse's environment, log in with `claude` as the user who runs Workhorse, or give the role a baseUrl";
  },

  commandLine(invocation, binary) {
    // stream-json in -p mode exits 1 without --verbose. -p with no prompt argument reads the prompt from
    // stdin, which keeps long prompts out of argv.
    const args = [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
    ];
    if (invocation.model) args.push('--model', invocation.model);
    // --max-turns is accepted by 2.1.197 though its --help no longer lists it.
    if (invocation.maxTurns) args.push('--max-turns', String(invocation.maxTurns));
    // The `=` form, as the Agent SDK does it, so an id can never be read as a flag.
    if (invocation.resumeSessionId) args.push(`--resume=${invocation.resumeSessionId}`);
    // As root, bypassPermissions exits 1 unless the CLI is told it runs in a sandbox.
    const env: Record<string, string> = { IS_SANDBOX: '1' };
    const { endpoint } = invocation;
    if (!endpoint) return { command: binary, args, stdin: invocation.prompt, env };
    const key = endpointKey(endpoint, 'ANTHROPIC_API_KEY');
    return {
      command: binary,
      args,
      stdin: invocation.prompt,
      // Nothing but model requests, and those only to the endpoint the user chose.
      env: {
        ...env,
        ...key.env,
        ANTHROPIC_BASE_URL: trimmedUrl(endpoint.baseUrl),
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      keysFrom: key.keysFrom,
    };
  },

  createParser: () => new ClaudeParser(),
};

class ClaudeParser implements StreamParser {
  private sessionId: string | null = null;
  private result: JsonObject | null = null;
  private apiError: string | null = null;
  private lastText = '';
  private usage = { inputTokens: 0, outputTokens: 0, costUsd: null as number | null };
  /** tool_use id → the file it writes, reported once its tool_result says it worked. */
  private readonly pendingEdits = new Map<string, { path: string; kind: 'add' | 'update' }>();

  line(text: string): AgentEvent[] {
    const event = parseJsonLine(text);
    if (!event) return [];
    const events: AgentEvent[] = [];
    const sessionId = str(event, 'session_id');
    if (sessionId && sessionId !== this.sessionId) {
      this.sessionId = sessionId;
      events.push({ type: 'session', sessionId });
    }
    switch (str(event, 'type')) {
      case 'assistant':
        this.assistant(event, events);
        break;
      case 'user':
        for (const block of objects(obj(event, 'message'), 'content')) {
          if (str(block, 'type') !== 'tool_result') continue;
          const ok = bool(block, 'is_error') !== true;
          events.push({ type: 'tool_result', ok, output: textOf(block.content) });
          const edit = this.pendingEdits.get(str(block, 'tool_use_id') ?? '');
          if (edit && ok) events.push({ type: 'file_edit', ...edit });
        }
        break;
      case 'result':
        this.resultLine(event, events);
        break;
    }
    return events;
  }

  private assistant(event: JsonObject, events: AgentEvent[]): void {
    const apiError = str(event, 'error');
    if (apiError) {
      this.apiError = apiError;
      events.push({ type: 'error', message: API_ERRORS[apiError] ?? `claude: API error ${apiError}` });
    }
    for (const block of objects(obj(event, 'message'), 'content')) {
      const type = str(block, 'type');
      const blockText = str(block, 'text');
      if (type === 'text' && blockText) {
        this.lastText = blockText;
        events.push({ type: 'message', text: blockText });
      } else if (type === 'tool_use') {
        const name = str(block, 'name') ?? '';
        const input = obj(block, 'input');
        events.push({ type: 'tool_call', name, input: block.input ?? null });
        const kind = EDIT_TOOLS[name];
        const path = str(input, 'file_path') ?? str(input, 'notebook_path');
        if (kind && path) this.pendingEdits.set(str(block, 'id') ?? '', { path, kind });
      }
    }
  }

  private resultLine(event: JsonObject, events: AgentEvent[]): void {
    this.result = event;
    const usage = obj(event, 'usage');
    // Input counts every prompt token, cached or not, as codex and gemini report it.
    this.usage = {
      inputTokens:
        (num(usage, 'input_tokens') ?? 0) +
        (num(usage, 'cache_read_input_tokens') ?? 0) +
        (num(usage, 'cache_creation_input_tokens') ?? 0),
      outputTokens: num(usage, 'output_tokens') ?? 0,
      costUsd: num(event, 'total_cost_usd'),
    };
    events.push({ type: 'usage', ...this.usage });
    for (const denial of objects(event, 'permission_denials')) {
      const input = denial.tool_input === undefined ? '' : ` ${JSON.stringify(denial.tool_input)}`;
      events.push({
        type: 'needs_input',
        question: `permission denied: ${str(denial, 'tool_name')}${input}`,
      });
    }
    events.push({ type: 'result', ok: bool(event, 'is_error') === false, text: str(event, 'result') ?? '' });
  }

  finish(exitCode: number | null): AgentSummary {
    const result = this.result;
    const ok = exitCode === 0 && result !== null && bool(result, 'is_error') === false;
    return summarize(
      'claude',
      exitCode,
      {
        ok,
        sessionId: this.sessionId,
        finalText: str(result, 'result') ?? this.lastText,
        usage: { ...this.usage },
      },
      (code) => this.failure(code),
    );
  }

  private failure(exitCode: number): string {
    const result = this.result;
    const subtype = str(result, 'subtype') ?? '';
    // A limit the run hit outranks an API error it may have retried past.
    if (SUBTYPES[subtype]) return SUBTYPES[subtype];
    if (this.apiError) return API_ERRORS[this.apiError] ?? `claude: API error ${this.apiError}`;
    if (!result) return noResult('claude', exitCode);
    if (bool(result, 'is_error') === false)
      return `claude: exited with code ${exitCode} after a successful result`;
    return errorsText(result.errors) || str(result, 'result') || `claude: error (${subtype || 'unknown'})`;
  }
}

/** `errors[]` holds strings in the versions seen; anything else is kept as JSON. */
function errorsText(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return '';
  return `claude: ${value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('; ')}`;
}
