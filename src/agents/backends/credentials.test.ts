/**
 * Every backend's check before it starts (a CLI with no way to authenticate fails at once, naming what is
 * missing) and how it is pointed at an endpoint the user chose (`settings.roles.<role>.baseUrl`).
 */
import { describe, expect, it } from 'vitest';
import type { AgentBackend, AgentInvocation, CredentialCheck, ModelEndpoint } from '../types.ts';
import { claudeBackend } from './claude.ts';
import { codexBackend, endpointConfig } from './codex.ts';
import { NO_KEY } from './credentials.ts';
import { geminiBackend } from './gemini.ts';
import { gooseBackend, openAiHost } from './goose.ts';
import { opencodeBackend } from './opencode.ts';

function check(overrides: Partial<CredentialCheck> = {}): CredentialCheck {
  return {
    env: {},
    hasHomeFile: () => false,
    readHomeFile: () => null,
    endpoint: null,
    model: null,
    ...overrides,
  };
}

const withFiles = (files: Record<string, string>): Partial<CredentialCheck> => ({
  hasHomeFile: (rel) => rel in files,
  readHomeFile: (rel) => files[rel] ?? null,
});

const ENDPOINT: ModelEndpoint = { baseUrl: 'http://127.0.0.1:11434/v1/', apiKeyEnv: 'GATEWAY_KEY' };
const invocation = (extra: Partial<AgentInvocation> = {}): AgentInvocation => ({
  prompt: 'work',
  cwd: '/wt',
  model: null,
  ...extra,
});

describe('credentialProblem: no key anywhere fails before the CLI starts, naming what to set', () => {
  const cases: [AgentBackend, RegExp][] = [
    [claudeBackend, /^claude: no credentials: set ANTHROPIC_API_KEY/],
    [codexBackend, /^codex: no credentials: set CODEX_API_KEY \(or OPENAI_API_KEY\)/],
    [opencodeBackend, /^opencode: no provider key: set one of ANTHROPIC_API_KEY, OPENAI_API_KEY/],
    [geminiBackend, /^gemini: no credentials: set GEMINI_API_KEY/],
    [gooseBackend, /^goose: no provider configured: set GOOSE_PROVIDER/],
  ];
  it.each(cases)('%s', (backend, message) => {
    expect(backend.credentialProblem(check())).toMatch(message);
  });

  it.each([
    [claudeBackend, { ANTHROPIC_API_KEY: 'sk-ant-x' }],
    [claudeBackend, { CLAUDE_CODE_OAUTH_TOKEN: 'oauth' }],
    [claudeBackend, { CLAUDE_CODE_USE_BEDROCK: '1' }],
    [codexBackend, { CODEX_API_KEY: 'k' }],
    [codexBackend, { OPENAI_API_KEY: 'k' }],
    [opencodeBackend, { OPENROUTER_API_KEY: 'k' }],
    [geminiBackend, { GOOGLE_GENAI_USE_VERTEXAI: 'true' }],
    [gooseBackend, { GOOSE_PROVIDER: 'anthropic' }],
  ] as const)('%s is satisfied by %j', (backend, env) => {
    expect(backend.credentialProblem(check({ env }))).toBeNull();
  });

  it.each([
    [claudeBackend, '.claude/.credentials.json'],
    [codexBackend, '.codex/auth.json'],
    [opencodeBackend, '.local/share/opencode/auth.json'],
    [geminiBackend, '.gemini/oauth_creds.json'],
  ] as const)('%s is satisfied by a login file at ~/%s', (backend, file) => {
    expect(backend.home.credentials).toContain(file);
    expect(backend.credentialProblem(check(withFiles({ [file]: '{}' })))).toBeNull();
  });

  it("accepts a provider of the user's own in their settings (codex, opencode, goose)", () => {
    expect(
      codexBackend.credentialProblem(
        check(withFiles({ '.codex/config.toml': 'model_provider = "ollama"\n' })),
      ),
    ).toBeNull();
    expect(
      opencodeBackend.credentialProblem(
        check(withFiles({ '.config/opencode/opencode.json': '{"provider": {"ollama": {}}}' })),
      ),
    ).toBeNull();
    expect(
      gooseBackend.credentialProblem(
        check(withFiles({ '.config/goose/config.yaml': 'GOOSE_PROVIDER: ollama\n' })),
      ),
    ).toBeNull();
    // A settings file that names no provider is no login.
    expect(
      codexBackend.credentialProblem(check(withFiles({ '.codex/config.toml': 'model = "gpt-5.5"\n' }))),
    ).not.toBeNull();
  });

  it("does not count opencode's own hosted key unless the role's model names its models", () => {
    const env = { OPENCODE_API_KEY: 'zen' };
    expect(opencodeBackend.credentialProblem(check({ env }))).toMatch(/^opencode: no provider key/);
    expect(opencodeBackend.credentialProblem(check({ env, model: 'opencode/big-pickle' }))).toBeNull();
  });

  it("with an endpoint: fails when the role's apiKeyEnv is not set, naming it", () => {
    const problem = (backend: AgentBackend, env: Record<string, string>) =>
      backend.credentialProblem(check({ env, endpoint: ENDPOINT, model: 'qwen3-coder' }));
    for (const backend of [claudeBackend, codexBackend, opencodeBackend, geminiBackend, gooseBackend]) {
      expect(problem(backend, {})).toBe(
        `${backend.name}: the role's apiKeyEnv names GATEWAY_KEY, which is not set in Workhorse's environment`,
      );
    }
    // Once set, each finds it where its command line puts it.
    expect(problem(claudeBackend, { ANTHROPIC_API_KEY: 'from-gateway-key' })).toBeNull();
    expect(problem(codexBackend, { GATEWAY_KEY: 'k' })).toBeNull();
    expect(problem(opencodeBackend, { GATEWAY_KEY: 'k' })).toBeNull();
    expect(problem(geminiBackend, { GEMINI_API_KEY: 'k' })).toBeNull();
    expect(problem(gooseBackend, { OPENAI_API_KEY: 'k' })).toBeNull();
  });

  it('with an endpoint, opencode needs the model name the endpoint serves', () => {
    expect(opencodeBackend.credentialProblem(check({ endpoint: { ...ENDPOINT, apiKeyEnv: null } }))).toMatch(
      /^opencode: a role with a baseUrl needs its model too/,
    );
  });
});

describe('pointing each CLI at an endpoint the user chose', () => {
  it('claude: ANTHROPIC_BASE_URL, the key from the named variable, no other traffic', () => {
    const line = claudeBackend.commandLine(invocation({ endpoint: ENDPOINT }), 'claude');
    expect(line.env).toEqual({
      IS_SANDBOX: '1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:11434/v1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    expect(line.keysFrom).toEqual({ ANTHROPIC_API_KEY: 'GATEWAY_KEY' });
    // A gateway with no key still gets one the CLI accepts.
    const keyless = claudeBackend.commandLine(
      invocation({ endpoint: { ...ENDPOINT, apiKeyEnv: null } }),
      'claude',
    );
    expect(keyless.env.ANTHROPIC_API_KEY).toBe(NO_KEY);
    expect(keyless.keysFrom).toEqual({});
  });

  it('codex: a provider of its own in ~/.codex/config.toml, Responses API, nothing else reaching out', () => {
    const line = codexBackend.commandLine(invocation({ endpoint: ENDPOINT, model: 'gpt-oss' }), 'codex');
    expect(line.passKeys).toEqual(['GATEWAY_KEY']);
    expect(line.homeFiles).toEqual({ '.codex/config.toml': endpointConfig(ENDPOINT, 'gpt-oss') });
    const config = line.homeFiles!['.codex/config.toml']!;
    for (const setting of [
      'model = "gpt-oss"',
      'model_provider = "workhorse"',
      '[model_providers.workhorse]',
      'base_url = "http://127.0.0.1:11434/v1"',
      'env_key = "GATEWAY_KEY"',
      'wire_api = "responses"',
      'check_for_update_on_startup = false',
    ]) {
      expect(config.split('\n')).toContain(setting);
    }
    expect(endpointConfig({ ...ENDPOINT, apiKeyEnv: null }, null)).not.toContain('env_key');
    expect(codexBackend.commandLine(invocation(), 'codex').homeFiles).toBeUndefined();
  });

  it('opencode: the endpoint as the one enabled provider, its key read from the named variable', () => {
    const line = opencodeBackend.commandLine(
      invocation({ endpoint: ENDPOINT, model: 'qwen3-coder' }),
      'opencode',
    );
    expect(line.args.slice(-2)).toEqual(['-m', 'workhorse/qwen3-coder']);
    expect(line.passKeys).toEqual(['GATEWAY_KEY']);
    expect(JSON.parse(line.env.OPENCODE_CONFIG_CONTENT!)).toEqual({
      autoupdate: false,
      share: 'disabled',
      disabled_providers: ['opencode'],
      enabled_providers: ['workhorse'],
      model: 'workhorse/qwen3-coder',
      provider: {
        workhorse: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Workhorse endpoint',
          options: { baseURL: 'http://127.0.0.1:11434/v1', apiKey: '{env:GATEWAY_KEY}' },
          models: { 'qwen3-coder': { name: 'qwen3-coder', tool_call: true } },
        },
      },
    });
    expect(line.env).toMatchObject({ OPENCODE_DISABLE_MODELS_FETCH: '1', npm_config_offline: 'true' });
  });

  it('gemini: GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY from the named variable, auth type pinned', () => {
    const line = geminiBackend.commandLine(invocation({ endpoint: ENDPOINT }), 'gemini');
    expect(line.env).toEqual({ GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:11434/v1' });
    expect(line.keysFrom).toEqual({ GEMINI_API_KEY: 'GATEWAY_KEY' });
    const settings = JSON.parse(line.homeFiles!['.gemini/settings.json']!);
    expect(settings.security.auth.selectedType).toBe('gemini-api-key');
    expect(settings.privacy.usageStatisticsEnabled).toBe(false);
  });

  it('goose: its OpenAI-compatible provider, host and path split as goose wants them', () => {
    const line = gooseBackend.commandLine(invocation({ endpoint: ENDPOINT }), 'goose');
    expect(line.env).toMatchObject({
      GOOSE_PROVIDER: 'openai',
      OPENAI_HOST: 'http://127.0.0.1:11434',
      OPENAI_BASE_PATH: 'v1/chat/completions',
    });
    expect(line.keysFrom).toEqual({ OPENAI_API_KEY: 'GATEWAY_KEY' });
    expect(openAiHost('https://gw.example.com')).toMatchObject({
      OPENAI_HOST: 'https://gw.example.com',
      OPENAI_BASE_PATH: 'chat/completions',
    });
  });
});
