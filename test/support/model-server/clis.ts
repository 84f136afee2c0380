/**
 * How each real CLI is pointed at the scripted model server: its command line, environment and config
 * files, as verified against the installed versions (see docs/agent-clis-verified.md). Every setup also
 * turns off the CLI's own outbound traffic (telemetry, update checks, model catalogues), so a run
 * touches nothing but 127.0.0.1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { endpointConfig } from '../../../src/agents/backends/codex.ts';
import { cliBin, type Workspace } from './run-cli.ts';

export interface CliSetup {
  bin: string;
  args: string[];
  env: Record<string, string>;
}

export interface SetupOptions {
  /** Base URL of the model server (no /v1); a closed port for the no-server path. */
  url: string;
  prompt: string;
  /** The key put where the CLI reads it; null leaves it unset. */
  apiKey: string | null;
}

function key(name: string, value: string | null): Record<string, string> {
  return value === null ? {} : { [name]: value };
}

/** Claude Code: Anthropic Messages API at ANTHROPIC_BASE_URL. */
export function claudeSetup(_ws: Workspace, options: SetupOptions): CliSetup {
  return {
    bin: cliBin('claude'),
    args: [
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
      options.prompt,
    ],
    env: {
      ANTHROPIC_BASE_URL: options.url,
      ...key('ANTHROPIC_API_KEY', options.apiKey),
      // bypassPermissions as root needs it; the tests run as root here.
      IS_SANDBOX: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // Without it a 401 is retried 10 times with backoff (minutes).
      CLAUDE_CODE_MAX_RETRIES: '0',
    },
  };
}

/** Codex: a custom `model_providers` entry in $CODEX_HOME/config.toml, Responses API (chat is rejected). */
export function codexSetup(ws: Workspace, options: SetupOptions & { model?: string }): CliSetup {
  const codexHome = path.join(ws.home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  // Workhorse's own endpoint config (as a role's baseUrl writes it), with retries off so that a refused
  // key fails at once; a model codex knows, so it offers its apply_patch tool.
  const config = `${endpointConfig(
    { baseUrl: `${options.url}/v1`, apiKeyEnv: 'SCRIPTED_API_KEY' },
    options.model ?? 'gpt-5.5',
  )}request_max_retries = 0\nstream_max_retries = 0\n`;
  writeFileSync(path.join(codexHome, 'config.toml'), config);
  return {
    bin: cliBin('codex'),
    args: [
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '--skip-git-repo-check',
      '--color',
      'never',
      options.prompt,
    ],
    env: { CODEX_HOME: codexHome, ...key('SCRIPTED_API_KEY', options.apiKey) },
  };
}

/** opencode: an OpenAI-compatible provider in OPENCODE_CONFIG_CONTENT, Chat Completions API. */
export function opencodeSetup(_ws: Workspace, options: SetupOptions): CliSetup {
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: 'scripted/scripted-model',
    provider: {
      scripted: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Scripted model server',
        options: {
          baseURL: `${options.url}/v1`,
          ...(options.apiKey === null ? {} : { apiKey: options.apiKey }),
        },
        models: { 'scripted-model': { name: 'Scripted model', tool_call: true } },
      },
    },
  };
  return {
    bin: cliBin('opencode'),
    args: ['run', '--format', 'json', '--auto', '-m', 'scripted/scripted-model', options.prompt],
    env: {
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      // It installs @opencode-ai/plugin into its config dir in the background on every fresh HOME.
      npm_config_offline: 'true',
    },
  };
}

/**
 * Gemini CLI: GOOGLE_GEMINI_BASE_URL plus GEMINI_API_KEY. The auth type must be pinned to
 * `gemini-api-key` in settings.json: from the environment alone 0.61 infers `gateway` for a base URL
 * and then rejects it in headless mode ("Invalid auth method selected.", exit 41).
 */
export function geminiSetup(ws: Workspace, options: SetupOptions & { model?: string }): CliSetup {
  const dir = path.join(ws.home, '.gemini');
  mkdirSync(dir, { recursive: true });
  const settings = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  };
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
  const model = options.model ? ['-m', options.model] : [];
  return {
    bin: cliBin('gemini'),
    args: ['-p', options.prompt, '-o', 'stream-json', '--approval-mode', 'yolo', '--skip-trust', ...model],
    env: { GOOGLE_GEMINI_BASE_URL: options.url, ...key('GEMINI_API_KEY', options.apiKey) },
  };
}
