/**
 * What a finished job's report says about its outcome, in words a person supervising it can act on. A job
 * that "succeeded" only ran to the end: its stage may still have failed its checks (QA found a bug, a gate
 * went red, the merge conflicted). This reads the verdict the handlers stored (stage: `verdict`; integration
 * test: `gate`; deploy: `deploy`) without trusting the report's shape: reports are free-form JSON.
 */

export interface JobVerdict {
  pass: boolean;
  /** Why it failed, most specific first: blocking findings' issues, then the failed gates and report. */
  reasons: string[];
}

/** Reasons shown per job: enough to act on, short enough for a card. */
const MAX_REASONS = 5;
const GENERIC_FINDINGS_REASON = /^\d+ high or critical finding\(s\)$/;
/** The finding judgeStage makes of a failed gate: its reason already says so. */
const GATE_FINDING = /^\S+ gate failed: /;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function blockingIssues(findings: unknown): string[] {
  if (!Array.isArray(findings)) return [];
  return findings
    .filter(isRecord)
    .filter((finding) => finding.severity === 'critical' || finding.severity === 'high')
    .map((finding) => finding.issue)
    .filter((issue): issue is string => typeof issue === 'string' && !GATE_FINDING.test(issue));
}

function stageVerdict(verdict: Record<string, unknown>): JobVerdict | null {
  if (typeof verdict.pass !== 'boolean') return null;
  // "2 high or critical finding(s)" says less than the findings themselves: name them instead.
  const named = strings(verdict.reasons).filter((reason) => !GENERIC_FINDINGS_REASON.test(reason));
  const issues = blockingIssues(verdict.findings).filter((issue) => !named.some((r) => r.includes(issue)));
  const reasons = verdict.pass ? [] : [...issues, ...named];
  return { pass: verdict.pass, reasons: unique(reasons).slice(0, MAX_REASONS) };
}

function commandVerdict(what: string, result: Record<string, unknown>): JobVerdict | null {
  if (typeof result.ok !== 'boolean') return null;
  if (result.ok) return { pass: true, reasons: [] };
  const exit = typeof result.exitCode === 'number' ? result.exitCode : 'none';
  const command = typeof result.command === 'string' && result.command ? `: ${result.command}` : '';
  return { pass: false, reasons: [`${what} failed (exit ${exit})${command}`] };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The verdict a job's report records, or null when it records none (still running, generic work). */
export function verdictOfReport(report: unknown): JobVerdict | null {
  if (!isRecord(report)) return null;
  if (isRecord(report.verdict)) return stageVerdict(report.verdict);
  if (isRecord(report.gate)) return commandVerdict('the integration test', report.gate);
  if (isRecord(report.deploy)) return commandVerdict('the deploy', report.deploy);
  return null;
}
