import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SETTINGS_VARIABLES, SettingsError } from './settings.ts';

function problem(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).message;
  }
  throw new Error(`loadSettings accepted ${JSON.stringify(env)}`);
}

describe('loadSettings', () => {
  it('has the documented defaults', () => {
    const settings = loadSettings({});
    expect(settings).toEqual({
      autoTriggerAgents: false,
      allowUnsandboxed: false,
      webhookAllowPrivate: false,
      llmTimeoutSeconds: 600,
      gooseProvider: null,
      databaseUrl: null,
      dataDir: resolve('.workhorse'),
      port: 8000,
      host: '127.0.0.1',
      logLevel: 'info',
    });
    expect(isAbsolute(settings.dataDir)).toBe(true);
  });

  it('resolves a relative data folder to an absolute path', () => {
    const settings = loadSettings({ WH_DATA_DIR: 'some/where' });
    expect(isAbsolute(settings.dataDir)).toBe(true);
    expect(settings.dataDir).toBe(resolve(process.cwd(), 'some/where'));
    expect(loadSettings({ WH_DATA_DIR: '/srv/wh' }).dataDir).toBe('/srv/wh');
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    [' true ', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
  ])('reads AUTO_TRIGGER_AGENTS=%j as %s', (value, expected) => {
    expect(loadSettings({ AUTO_TRIGGER_AGENTS: value }).autoTriggerAgents).toBe(expected);
  });

  it('rejects a WH_ALLOW_UNSANDBOXED that is not a boolean, rather than guess', () => {
    expect(problem({ WH_ALLOW_UNSANDBOXED: 'sure' })).toBe(
      'invalid environment: WH_ALLOW_UNSANDBOXED="sure": expected true or false',
    );
  });

  it('rejects an AUTO_TRIGGER_AGENTS that is not a boolean', () => {
    expect(problem({ AUTO_TRIGGER_AGENTS: 'maybe' })).toBe(
      'invalid environment: AUTO_TRIGGER_AGENTS="maybe": expected true or false',
    );
  });

  it('reads the other variables', () => {
    expect(
      loadSettings({
        LLM_TIMEOUT: '30',
        GOOSE_PROVIDER: 'anthropic',
        DATABASE_URL: 'postgresql://u@db:5432/wh',
        PORT: '0',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'debug',
        WH_ALLOW_UNSANDBOXED: 'true',
      }),
    ).toMatchObject({
      allowUnsandboxed: true,
      llmTimeoutSeconds: 30,
      gooseProvider: 'anthropic',
      databaseUrl: 'postgresql://u@db:5432/wh',
      port: 0,
      host: '0.0.0.0',
      logLevel: 'debug',
    });
    expect(loadSettings({ DATABASE_URL: 'postgres://localhost/x' }).databaseUrl).toBe(
      'postgres://localhost/x',
    );
    expect(loadSettings({ PORT: '65535' }).port).toBe(65535);
  });

  it.each([
    ['abc', 'expected a number of seconds'],
    ['-5', 'expected a positive number of seconds'],
    ['0', 'expected a positive number of seconds'],
    ['1.5', 'expected a whole number of seconds'],
  ])('rejects LLM_TIMEOUT=%j: %s', (value, reason) => {
    expect(problem({ LLM_TIMEOUT: value })).toBe(
      `invalid environment: LLM_TIMEOUT=${JSON.stringify(value)}: ${reason}`,
    );
  });

  it.each([
    ['70000', 'expected a port 0-65535'],
    ['-1', 'expected a port 0-65535'],
    ['abc', 'expected a port 0-65535'],
    ['80.5', 'expected a port 0-65535'],
  ])('rejects PORT=%j', (value, reason) => {
    const message = problem({ PORT: value });
    expect(message).toMatch(/^invalid environment: PORT=/);
    expect(message).toContain(`PORT=${JSON.stringify(value)}`);
    expect(message).toContain(reason);
  });

  it.each(['mysql://x', 'http://localhost/db', 'postgres://', 'localhost:5432'])(
    'rejects DATABASE_URL=%j',
    (value) => {
      expect(problem({ DATABASE_URL: value })).toBe(
        `invalid environment: DATABASE_URL=${JSON.stringify(value)}: expected a postgres:// or postgresql:// URL`,
      );
    },
  );

  it('rejects an unknown LOG_LEVEL', () => {
    expect(problem({ LOG_LEVEL: 'loud' })).toMatch(/^invalid environment: LOG_LEVEL="loud": /);
  });

  it('names every bad variable in one message', () => {
    const message = problem({ LLM_TIMEOUT: 'soon', PORT: '99999', DATABASE_URL: 'mysql://x' });
    expect(message).toContain('LLM_TIMEOUT="soon"');
    expect(message).toContain('PORT="99999"');
    expect(message).toContain('DATABASE_URL="mysql://x"');
    expect(message.split('; ')).toHaveLength(3);
    expect(message).not.toContain('\n');
  });

  it('treats empty strings as unset', () => {
    expect(
      loadSettings({
        AUTO_TRIGGER_AGENTS: '',
        LLM_TIMEOUT: '',
        GOOSE_PROVIDER: '',
        DATABASE_URL: '',
        WH_DATA_DIR: '',
        PORT: '',
        HOST: '',
        LOG_LEVEL: '',
      }),
    ).toEqual(loadSettings({}));
  });

  it('ignores unrelated variables', () => {
    expect(loadSettings({ PATH: '/usr/bin', HOME: '/root', FOO: 'bar' })).toEqual(loadSettings({}));
  });
});

describe("the README's configuration table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'));
  const rows = table.slice(0, table.indexOf('\n\n', table.indexOf('|')));

  it('lists every variable the settings read, and those the wh command reads', () => {
    for (const name of [...SETTINGS_VARIABLES, 'WH_URL', 'WH_TOKEN', 'WH_DEBUG'])
      expect(rows, name).toContain(`\`${name}\``);
  });
});
