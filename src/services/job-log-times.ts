/**
 * When each part of a job's log was written. The log is one text column; every append also wrote a
 * `job.output` event in the same statement, with the length of what it appended, so those events are the
 * log's time index. Counted back from the log's end: were the oldest events ever pruned, only the oldest
 * times would be missing, never a wrong one.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { events } from '../db/schema.ts';

export interface LogTime {
  /** Where in the log (in UTF-16 code units, as JavaScript counts) the chunk begins. */
  offset: number;
  at: Date;
}

export async function jobLogTimes(db: Queryable, jobId: number, logLength: number): Promise<LogTime[]> {
  const chunks = await db
    .select({ at: events.createdAt, chars: sql<number>`(${events.payload}->>'chars')::int` })
    .from(events)
    .where(and(eq(events.jobId, jobId), eq(events.type, 'job.output')))
    .orderBy(asc(events.id));
  const times: LogTime[] = [];
  let end = logLength;
  for (let index = chunks.length - 1; index >= 0; index--) {
    const start = end - chunks[index]!.chars;
    if (start < 0) break;
    times.push({ offset: start, at: chunks[index]!.at });
    end = start;
  }
  return times.reverse();
}
