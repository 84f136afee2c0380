/**
 * Judging a stage by evidence. A stage passes only when the agent exited cleanly in time, its report (if
 * the stage has one) parses, says pass and has no high or critical finding, and every gate passed. The
 * agent's own claim is never enough; an agent that reports failure is believed.
 */
import type { ReportFinding, ReviewReport } from './reports.ts';
import { isBlocking } from './severity.ts';

export interface GateResult {
  name: string;
  command: string;
  ok: boolean;
  exitCode: number | null;
  outputTail: string;
}

export interface StageEvidence {
  report: { required: boolean; file: string; parsed: ReviewReport | null; error: string | null };
  gates: readonly GateResult[];
  /** Problems found by Workhorse itself (no commits, docs not updated, merge conflict). */
  checks: readonly ReportFinding[];
}

export interface Verdict {
  pass: boolean;
  reasons: string[];
  findings: ReportFinding[];
}

export function judgeStage(evidence: StageEvidence): Verdict {
  const reasons: string[] = [];
  const findings: ReportFinding[] = [...(evidence.report.parsed?.findings ?? []), ...evidence.checks];
  const { report } = evidence;
  if (report.required && !report.parsed) {
    reasons.push(report.error ?? `${report.file} is missing`);
    findings.push({
      severity: 'high',
      issue: `the stage's report is unusable: ${report.error ?? `${report.file} is missing`}`,
      file: report.file,
      line: null,
      recommendation: `write ${report.file} at the worktree root in the documented shape`,
    });
  }
  if (report.parsed?.status === 'fail') reasons.push(`${report.file} says fail: ${report.parsed.summary}`);
  const blocking = findings.filter((finding) => isBlocking(finding.severity));
  if (blocking.length > 0) reasons.push(`${blocking.length} high or critical finding(s)`);
  for (const gate of evidence.gates) {
    if (gate.ok) continue;
    reasons.push(`gate ${gate.name} failed (exit ${gate.exitCode ?? 'none'}): ${gate.command}`);
    findings.push({
      severity: 'high',
      issue: `${gate.name} gate failed: \`${gate.command}\` exited ${gate.exitCode ?? 'without a code'}`,
      file: null,
      line: null,
      recommendation: `make \`${gate.command}\` pass. Its output ended with:\n${gate.outputTail}`,
    });
  }
  return { pass: reasons.length === 0, reasons, findings };
}
