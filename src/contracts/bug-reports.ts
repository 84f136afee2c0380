/** Bug reports as the API answers with them. */
import { z } from 'zod';
import { BUG_REPORT_STATUSES } from '../domain/bug-reports.ts';
import { id, pageOf, timestamp } from './common.ts';

export const bugReportSchema = z.strictObject({
  id,
  title: z.string(),
  description: z.string(),
  page_url: z.string().nullable(),
  browser_info: z.string().nullable(),
  status: z.enum(BUG_REPORT_STATUSES),
  /** The name of the token that filed it. */
  reporter: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type BugReport = z.infer<typeof bugReportSchema>;

export const bugReportPageSchema = pageOf(bugReportSchema);
