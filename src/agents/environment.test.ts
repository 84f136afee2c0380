/**
 * The agent's environment and the scrubbing of its output: only allowlisted variables pass; the values of
 * its secret-named variables (long enough to be secrets) are what its output is scrubbed of, even when a
 * secret arrives split across chunks, while text that merely starts like one is let through in the end.
 */
import { describe, expect, it } from 'vitest';
import { agentEnvironment, createRedactor, redact, secretValues } from './environment.ts';

describe('agentEnvironment', () => {
  it('passes the base variables, the backend keys and the project variables that are set, and nothing else', () => {
    const env = agentEnvironment({
      host: {
        PATH: '/bin',
        HOME: '/h',
        DATABASE_URL: 'postgres://x',
        ANTHROPIC_API_KEY: 'k',
        MY_VAR: 'v',
        UNSET: undefined,
      },
      backendKeys: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'],
      projectKeys: ['MY_VAR', 'UNSET'],
      fixed: { IS_SANDBOX: '1', PATH: '/fixed' },
    });
    expect(env).toEqual({ PATH: '/fixed', HOME: '/h', ANTHROPIC_API_KEY: 'k', MY_VAR: 'v', IS_SANDBOX: '1' });
  });
});

describe('secretValues', () => {
  it('takes the values of secret-named variables of at least eight characters, and nothing else', () => {
    expect(
      secretValues({
        PATH: '/usr/local/bin:/usr/bin',
        LONG_PLAIN_VALUE: 'not-a-secret-at-all',
        API_KEY: '12345678',
        SHORT_TOKEN: '1234567',
        DB_PASSWORD: 'hunter2-hunter2',
      }),
    ).toEqual(['12345678', 'hunter2-hunter2']);
  });
});

describe('createRedactor', () => {
  const secret = 'sk-abcdef123456';

  it('catches a secret split at every possible place between two chunks', () => {
    for (let cut = 1; cut < secret.length; cut++) {
      const redactor = createRedactor([secret]);
      const text = `key=${secret};`;
      const at = 4 + cut;
      const out = redactor.push(text.slice(0, at)) + redactor.push(text.slice(at)) + redactor.end();
      expect(out, `cut at ${cut}`).toBe('key=[redacted];');
    }
  });

  it('holds back only what could still become a secret, and lets it go at the end', () => {
    const redactor = createRedactor([secret]);
    expect(redactor.push('value sk-abc')).toBe('value ');
    expect(redactor.push('X and more')).toBe('sk-abcX and more');
    expect(redactor.push('tail sk-abcdef1')).toBe('tail ');
    expect(redactor.end()).toBe('sk-abcdef1');
    expect(redactor.end()).toBe('');
  });

  it('with no secrets passes everything through at once', () => {
    const redactor = createRedactor([]);
    expect(redactor.push('anything at all')).toBe('anything at all');
    expect(redactor.end()).toBe('');
  });

  it('redact masks every occurrence of every secret', () => {
    expect(redact('a sk-abcdef123456 b sk-abcdef123456 c other-secret-1', [secret, 'other-secret-1'])).toBe(
      'a [redacted] b [redacted] c [redacted]',
    );
  });
});
