/**
 * The queue's hot statements are hand-written SQL (one round trip each, see the files beside this one);
 * this maps their raw rows back to the schema's `Job` shape, as Drizzle would.
 */
import { getTableColumns } from 'drizzle-orm';
import { jobs } from '../../db/schema.ts';
import type { Job } from '../steps/jobs.ts';

const COLUMNS = Object.entries(getTableColumns(jobs));

export function toJob(row: Record<string, unknown>): Job {
  const job: Record<string, unknown> = {};
  for (const [property, column] of COLUMNS) {
    const value = row[column.name];
    // The column's own mapping: int8 strings to numbers, timestamp strings to Dates, as Drizzle's queries do.
    job[property] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return job as Job;
}

/** Retry delay after attempt n: 2^n seconds, at most five minutes. */
export const BACKOFF_SQL = "least(power(2, attempt), 300) * interval '1 second'";
