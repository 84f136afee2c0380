/**
 * Reports are read by the worker outside the sandbox: a link (to the admin token, say), a FIFO, a folder or
 * an outsized file in a report's place is refused with a reason, and its target is never read, so nothing
 * of it can reach a parse error that a viewer reads.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reviewReportSchema } from '../domain/reports.ts';
import { loadReport, MAX_REPORT_BYTES } from './report-file.ts';

const root = mkdtempSync(join(tmpdir(), 'wh-report-file-'));
const secret = join(root, 'admin-token');
writeFileSync(secret, 'wh_not-json-secret-admin-token-0123456789\n');

afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string): string {
  const path = join(root, name);
  mkdirSync(path);
  return path;
}

describe('loadReport', () => {
  it('reads and parses a regular file', () => {
    const wt = dir('regular');
    writeFileSync(join(wt, 'bugs.json'), JSON.stringify({ status: 'pass', summary: 'ok', findings: [] }));
    expect(loadReport(reviewReportSchema, wt, 'bugs.json')).toMatchObject({
      ok: true,
      value: { status: 'pass' },
    });
  });

  it('says a missing report was not written', () => {
    expect(loadReport(reviewReportSchema, dir('missing'), 'bugs.json')).toEqual({
      ok: false,
      error: 'bugs.json was not written',
    });
  });

  it('refuses a symbolic link without reading what it points at', () => {
    const wt = dir('link');
    symlinkSync(secret, join(wt, 'bugs.json'));
    const result = loadReport(reviewReportSchema, wt, 'bugs.json');
    expect(result).toEqual({
      ok: false,
      error: 'bugs.json is a symbolic link; a report must be a regular file',
    });
  });

  it('refuses a FIFO (without blocking), a folder, and an outsized file', () => {
    const fifo = dir('fifo');
    execFileSync('mkfifo', [join(fifo, 'bugs.json')]);
    expect(loadReport(reviewReportSchema, fifo, 'bugs.json')).toEqual({
      ok: false,
      error: 'bugs.json is not a regular file',
    });
    const folder = dir('folder');
    mkdirSync(join(folder, 'bugs.json'));
    expect(loadReport(reviewReportSchema, folder, 'bugs.json')).toEqual({
      ok: false,
      error: 'bugs.json is not a regular file',
    });
    const big = dir('big');
    writeFileSync(join(big, 'bugs.json'), ' '.repeat(MAX_REPORT_BYTES + 1));
    expect(loadReport(reviewReportSchema, big, 'bugs.json')).toEqual({
      ok: false,
      error: `bugs.json is larger than ${MAX_REPORT_BYTES} bytes`,
    });
  });
});
