/**
 * Every branch of the evidence gate: a stage passes only when its required report is there and usable,
 * says pass, holds no high or critical finding (from the agent or from Workhorse's own checks), and every
 * gate passed. Each reason is named, and each blocking problem becomes a finding for DEV.
 */
import { describe, expect, it } from 'vitest';
import type { ReportFinding } from './reports.ts';
import { type GateResult, judgeStage, type StageEvidence } from './verdict.ts';

const finding = (severity: ReportFinding['severity'], issue = `${severity} issue`): ReportFinding => ({
  severity,
  issue,
  file: 'src/a.js',
  line: 3,
  recommendation: 'fix it',
});

const gate = (ok: boolean, exitCode: number | null = ok ? 0 : 1): GateResult => ({
  name: 'test',
  command: 'npm test',
  ok,
  exitCode,
  outputTail: '1 failing',
});

function evidence(
  overrides: Omit<Partial<StageEvidence>, 'report'> & { report?: Partial<StageEvidence['report']> } = {},
) {
  return {
    gates: [],
    checks: [],
    ...overrides,
    report: {
      required: true,
      file: 'bugs.json',
      parsed: { status: 'pass' as const, summary: 'all good', findings: [] },
      error: null,
      ...overrides.report,
    },
  } satisfies StageEvidence;
}

describe('judgeStage', () => {
  it('passes a usable report that says pass, with no blocking finding and every gate green', () => {
    expect(judgeStage(evidence({ gates: [gate(true)] }))).toEqual({ pass: true, reasons: [], findings: [] });
  });

  it('passes a stage that needs no report (DEV) when its gates and checks pass', () => {
    const verdict = judgeStage(evidence({ report: { required: false, file: '', parsed: null } }));
    expect(verdict).toEqual({ pass: true, reasons: [], findings: [] });
  });

  it('fails a missing required report, whatever else says pass, with a finding naming the file', () => {
    const verdict = judgeStage(evidence({ report: { parsed: null, error: null } }));
    expect(verdict.pass).toBe(false);
    // The unusable report is itself a high finding, so it is also counted among the blocking ones.
    expect(verdict.reasons).toEqual(['bugs.json is missing', '1 high or critical finding(s)']);
    expect(verdict.findings).toEqual([
      {
        severity: 'high',
        issue: "the stage's report is unusable: bugs.json is missing",
        file: 'bugs.json',
        line: null,
        recommendation: 'write bugs.json at the worktree root in the documented shape',
      },
    ]);
  });

  it("fails an unusable required report with the parser's own words", () => {
    const error = 'bugs.json is not valid JSON: Unexpected token';
    const verdict = judgeStage(evidence({ report: { parsed: null, error } }));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual([error, '1 high or critical finding(s)']);
    expect(verdict.findings[0]?.issue).toBe(`the stage's report is unusable: ${error}`);
  });

  it('believes an agent that reports fail, even with no finding', () => {
    const verdict = judgeStage(
      evidence({ report: { parsed: { status: 'fail', summary: 'tests are thin', findings: [] } } }),
    );
    expect(verdict).toEqual({ pass: false, reasons: ['bugs.json says fail: tests are thin'], findings: [] });
  });

  it.each(['critical', 'high'] as const)('fails a report that says pass with a %s finding', (severity) => {
    const verdict = judgeStage(
      evidence({ report: { parsed: { status: 'pass', summary: '', findings: [finding(severity)] } } }),
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual(['1 high or critical finding(s)']);
    expect(verdict.findings).toEqual([finding(severity)]);
  });

  it.each(['medium', 'low'] as const)('passes with a %s finding, which it still carries', (severity) => {
    const verdict = judgeStage(
      evidence({ report: { parsed: { status: 'pass', summary: '', findings: [finding(severity)] } } }),
    );
    expect(verdict).toEqual({ pass: true, reasons: [], findings: [finding(severity)] });
  });

  it("fails on a blocking finding of Workhorse's own checks (no commits, a conflict)", () => {
    const check = finding('high', 'DEV left no changes on the task branch');
    const verdict = judgeStage(evidence({ checks: [check] }));
    expect(verdict.pass).toBe(false);
    expect(verdict.findings).toEqual([check]);
  });

  it('fails a red gate, whatever the report says, with its command, exit and output', () => {
    const verdict = judgeStage(evidence({ gates: [gate(true), gate(false, 2)] }));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual(['gate test failed (exit 2): npm test']);
    expect(verdict.findings).toEqual([
      {
        severity: 'high',
        issue: 'test gate failed: `npm test` exited 2',
        file: null,
        line: null,
        recommendation: 'make `npm test` pass. Its output ended with:\n1 failing',
      },
    ]);
  });

  it('says a gate that was killed exited without a code', () => {
    const verdict = judgeStage(evidence({ gates: [gate(false, null)] }));
    expect(verdict.reasons).toEqual(['gate test failed (exit none): npm test']);
    expect(verdict.findings[0]?.issue).toBe('test gate failed: `npm test` exited without a code');
  });

  it('gives every reason at once', () => {
    const verdict = judgeStage(
      evidence({
        report: { parsed: { status: 'fail', summary: 'no', findings: [finding('critical')] } },
        gates: [gate(false)],
        checks: [finding('high', 'docs not updated')],
      }),
    );
    expect(verdict.reasons).toEqual([
      'bugs.json says fail: no',
      '2 high or critical finding(s)',
      'gate test failed (exit 1): npm test',
    ]);
    expect(verdict.findings).toHaveLength(3);
  });
});
