/** Finding severities and the priority of the work they create: critical and high 10, medium 7, low 5. */
export const SEVERITIES = Object.freeze(['critical', 'high', 'medium', 'low'] as const);
export type Severity = (typeof SEVERITIES)[number];

const PRIORITY: Readonly<Record<Severity, number>> = Object.freeze({
  critical: 10,
  high: 10,
  medium: 7,
  low: 5,
});

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function priorityForSeverity(severity: Severity): number {
  return PRIORITY[severity];
}

/** A blocking finding fails its stage outright, whatever the agent says. */
export function isBlocking(severity: Severity): boolean {
  return severity === 'critical' || severity === 'high';
}

export const FINDING_STATUSES = Object.freeze(['open', 'fixed', 'wont_fix', 'duplicate'] as const);
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** `review`: a person's line comment on the task's diff, sent back to dev with it. */
export const FINDING_SOURCES = Object.freeze([
  'qa',
  'sec',
  'docs',
  'gate',
  'director',
  'manual',
  'review',
] as const);
export type FindingSource = (typeof FINDING_SOURCES)[number];

export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 10;
