/**
 * The process's registry of secrets: values of secret-named variables (and the passwords in URLs among
 * them) are masked in text and in JSON values; short values and ordinary variables are not.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../domain/redaction.ts';
import { redactKnown, redactKnownValue, registerSecret, registerSecretsFromEnv } from './known-secrets.ts';

describe('known secrets', () => {
  it('masks the values of secret-named variables, and the password of a URL among them', () => {
    registerSecretsFromEnv({
      RS_TEST_API_KEY: 'rs-api-key-value-1',
      RS_TEST_DATABASE_URL: 'postgres://wh:rs-db-password@db/wh',
      RS_TEST_HOME: '/home/rs-test-user',
      RS_TEST_SHORT_TOKEN: 'short',
    });
    expect(redactKnown('key rs-api-key-value-1, password rs-db-password')).toBe(
      `key ${REDACTED}, password ${REDACTED}`,
    );
    expect(redactKnown('home /home/rs-test-user, token short')).toBe('home /home/rs-test-user, token short');
  });

  it('masks a registered value inside JSON', () => {
    registerSecret('registered-admin-token-0001');
    expect(redactKnownValue({ log: ['said registered-admin-token-0001'] })).toEqual({
      log: [`said ${REDACTED}`],
    });
  });

  it('trims values, takes eight characters and more, and masks the longest secret first', () => {
    registerSecret('  padded-secret-9  ');
    registerSecret('1234567');
    registerSecret('87654321');
    registerSecret('overlap-secret');
    registerSecret('overlap-secret-longer');
    expect(redactKnown('padded-secret-9 1234567 87654321')).toBe(`${REDACTED} 1234567 ${REDACTED}`);
    expect(redactKnown('x overlap-secret-longer y')).toBe(`x ${REDACTED} y`);
  });
});
