/** One finding of `wh doctor`: what was looked at, what was found, and what to do when it is not right. */
export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  found: string;
  /** What to do about it (for warn and fail). */
  fix?: string;
}

const MARK: Record<CheckLevel, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function formatCheck(check: Check): string {
  const fix = check.fix && check.level !== 'ok' ? ` -> ${check.fix}` : '';
  return `${MARK[check.level]} ${check.name}: ${check.found}${fix}`;
}

/** Something needed is missing: `wh doctor` exits 1. */
export function anyFailed(checks: readonly Check[]): boolean {
  return checks.some((check) => check.level === 'fail');
}
