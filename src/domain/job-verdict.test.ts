/**
 * A job's stored report read as a verdict a person can act on: a stage's failed checks named by their
 * findings, an integration test's or deploy's failed command, and nothing for reports without a verdict.
 */
import { describe, expect, it } from 'vitest';
import { verdictOfReport } from './job-verdict.ts';
import { judgeStage } from './verdict.ts';

describe('verdictOfReport', () => {
  it('names the blocking findings instead of counting them', () => {
    const verdict = judgeStage({
      report: { required: false, file: '', parsed: null, error: null },
      gates: [{ name: 'test', command: 'npm test', ok: false, exitCode: 1, outputTail: '1 failing' }],
      checks: [
        {
          severity: 'high',
          issue: 'merging a into b conflicts in x.ts',
          file: null,
          line: null,
          recommendation: '',
        },
        { severity: 'low', issue: 'a nit', file: null, line: null, recommendation: '' },
      ],
    });
    // Stored as JSON, the way the worker stores it.
    const report = JSON.parse(JSON.stringify({ verdict, gates: [] }));
    expect(verdictOfReport(report)).toEqual({
      pass: false,
      reasons: ['merging a into b conflicts in x.ts', 'gate test failed (exit 1): npm test'],
    });
  });

  it('a passed stage has no reasons', () => {
    expect(verdictOfReport({ verdict: { pass: true, reasons: [], findings: [] } })).toEqual({
      pass: true,
      reasons: [],
    });
  });

  it('reads the integration test and the deploy', () => {
    expect(verdictOfReport({ gate: { ok: false, exitCode: 2, command: 'make test' }, diff: {} })).toEqual({
      pass: false,
      reasons: ['the integration test failed (exit 2): make test'],
    });
    expect(verdictOfReport({ deploy: { ok: true, exitCode: 0 } })).toEqual({ pass: true, reasons: [] });
    expect(verdictOfReport({ deploy: { ok: false, exitCode: null, command: null } })).toEqual({
      pass: false,
      reasons: ['the deploy failed (exit none)'],
    });
  });

  it('has no verdict for reports without one, or odd shapes', () => {
    for (const report of [
      null,
      undefined,
      'text',
      [],
      { plan: {} },
      { verdict: { pass: 'yes' } },
      { gate: null },
    ])
      expect(verdictOfReport(report)).toBeNull();
  });
});
