import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { errors } from './catalogue.ts';
import { ERROR_CODES } from './codes.ts';

const documented = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of docs/errors.md's table: code, status, meaning. */
function documentedRows(): Array<[string, number, string]> {
  return [...documented.matchAll(/^\| `(WH_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((match) => [
    match[1]!,
    Number(match[2]),
    match[3]!,
  ]);
}

describe('the error codes', () => {
  it('are documented in docs/errors.md, each with its status and meaning, and only they', () => {
    const catalogued = Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => [
      code,
      status,
      meaning,
    ]);
    expect(documentedRows()).toEqual(catalogued);
  });

  it('give each error its status: a 4xx for what a client can fix, 5xx for the rest', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^WH_[A-Z]+(_[A-Z]+)*$/);
      expect(status === 500 || status === 503 || (status >= 400 && status < 500)).toBe(true);
    }
    expect(new AppError('WH_RUN_KILLED', 'run 3 has been killed').status).toBe(409);
  });

  it('make every "not found" a code of its own', () => {
    expect(errors.notFound('task', 42).toJSON()).toEqual({
      error: { code: 'WH_TASK_NOT_FOUND', message: 'task 42 not found', details: { id: 42 } },
    });
    expect(errors.notFound('bug_report', 7).toJSON().error).toMatchObject({
      code: 'WH_BUG_REPORT_NOT_FOUND',
      message: 'bug report 7 not found',
    });
    expect(errors.notFound('role_config', 'qa').status).toBe(404);
  });
});
