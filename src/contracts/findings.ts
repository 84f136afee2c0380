/** Findings as the API answers with them. */
import { z } from 'zod';
import { FINDING_SOURCES, FINDING_STATUSES, SEVERITIES } from '../domain/severity.ts';
import { id, pageOf, timestamp } from './common.ts';

export const findingSchema = z.strictObject({
  id,
  run_id: id,
  task_id: id.nullable(),
  job_id: id.nullable(),
  source: z.enum(FINDING_SOURCES),
  severity: z.enum(SEVERITIES),
  issue: z.string(),
  file: z.string().nullable(),
  line: z.number().int().min(0).nullable(),
  recommendation: z.string(),
  status: z.enum(FINDING_STATUSES),
  /** The task made to fix it, if one was. */
  fix_task_id: id.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Finding = z.infer<typeof findingSchema>;

export const findingPageSchema = pageOf(findingSchema);
