/** Where a bug report about Workhorse stands: new, looked at, or dealt with. */
export const BUG_REPORT_STATUSES = Object.freeze(['open', 'triaged', 'closed'] as const);
export type BugReportStatus = (typeof BUG_REPORT_STATUSES)[number];
