/**
 * Secret masking: every name pattern that marks a variable as secret, known values masked wherever they
 * appear (the longest first, so no part of one shows), Workhorse token shapes always, JSON values walked
 * to their last string, and a connection URL's password found.
 */
import { describe, expect, it } from 'vitest';
import { isSecretName, REDACTED, redactText, redactValue, urlSecrets } from './redaction.ts';

describe('isSecretName', () => {
  it.each([
    'ANTHROPIC_API_KEY',
    'GITHUB_TOKEN',
    'CLIENT_SECRET',
    'DB_PASSWORD',
    'SMTP_PASSWD',
    'AWS_CREDENTIALS',
    'BASIC_AUTH',
    'DATABASE_URL',
    'SENTRY_DSN',
    'openai_api_key',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['PATH', 'HOME', 'LANG', 'NODE_ENV', 'PORT', 'LLM_TIMEOUT'])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('redactText', () => {
  it('masks every known secret wherever it appears, the longest first', () => {
    const text = 'key=abcdefgh12345678 and again abcdefgh12345678; short abcdefgh';
    expect(redactText(text, ['abcdefgh12345678', 'abcdefgh'])).toBe(
      `key=${REDACTED} and again ${REDACTED}; short ${REDACTED}`,
    );
  });

  it('masks anything shaped like a Workhorse token, known or not', () => {
    const token = 'wh_0123456789abcdefghijABCDEFGHIJ_-xy';
    expect(redactText(`Authorization: Bearer ${token}.`, [])).toBe(`Authorization: Bearer ${REDACTED}.`);
    // Too short to be a token, or not one at all: left alone.
    expect(redactText('wh_short wh/run-1-task-2', [])).toBe('wh_short wh/run-1-task-2');
  });
});

describe('redactValue', () => {
  it('walks arrays and plain objects to their strings, keeping keys, numbers and other values', () => {
    const secret = 'hunter2-hunter2';
    const value = {
      note: `password ${secret}`,
      nested: [{ deep: secret, count: 3, ok: true, none: null }],
      [secret]: 'keys are not changed',
    };
    expect(redactValue(value, [secret])).toEqual({
      note: `password ${REDACTED}`,
      nested: [{ deep: REDACTED, count: 3, ok: true, none: null }],
      [secret]: 'keys are not changed',
    });
  });

  it('leaves values that are not plain data as they are (a date stays a date)', () => {
    const when = new Date('2026-11-27T00:00:00Z');
    const redacted = redactValue({ when, list: [when] }, ['secret-value']);
    expect(redacted.when).toBe(when);
    expect(redacted.list[0]).toBe(when);
  });
});

describe('urlSecrets', () => {
  it('finds the URL and its password, decoded and as written', () => {
    expect(urlSecrets('postgres://wh:p%40ss-word@db:5432/wh')).toEqual([
      'postgres://wh:p%40ss-word@db:5432/wh',
      'p@ss-word',
      'p%40ss-word',
    ]);
    expect(urlSecrets('postgres://wh@db/wh')).toEqual(['postgres://wh@db/wh']);
    expect(urlSecrets('not a url')).toEqual(['not a url']);
  });
});
