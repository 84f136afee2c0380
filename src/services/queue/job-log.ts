/**
 * A running job's output, appended in chunks. Each chunk is fenced by the lease (a worker that lost its
 * job cannot write to it) and also published as one `job.output` event for live viewers.
 */
import { sql } from 'drizzle-orm';
import { redactKnown } from '../../config/known-secrets.ts';
import type { Queryable } from '../../db/client.ts';
import type { Lease } from './lease.ts';

/** The most of one chunk an event carries; the job's log always has all of it. */
const EVENT_CHUNK_CHARS = 4000;

export async function appendJobLog(
  db: Queryable,
  lease: Lease,
  workerId: string,
  output: string,
): Promise<boolean> {
  const chunk = redactKnown(output);
  const result = await db.execute<{ id: string }>(sql`
    with appended as (
      update jobs set log = log || ${chunk}, updated_at = now()
       where id = ${lease.jobId} and lease_token = ${lease.leaseToken} and state = 'running'
      returning id, run_id, task_id
    ), event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      select 'job.output', (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
             jsonb_build_object('chunk', ${chunk.slice(-EVENT_CHUNK_CHARS)}::text, 'chars', ${chunk.length}::int)
        from appended
    )
    select id from appended`);
  return result.rows.length > 0;
}
