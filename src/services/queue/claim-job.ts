/**
 * Claims the next queued job: highest priority first, then oldest. (A paused run's jobs are held and a
 * killed run's cancelled, so `queued` alone means claimable.) One statement: the claim, its lease (a fresh
 * token that fences every later write) and its event.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Job } from '../steps/jobs.ts';
import { toJob } from './job-row.ts';
import { namedQuery } from './named-query.ts';

export interface ClaimOptions {
  workerId: string;
  kinds: readonly string[];
  leaseSeconds: number;
}

export async function claimJob(db: Queryable, options: ClaimOptions): Promise<Job | null> {
  const kinds = `{${options.kinds.map((kind) => `"${kind}"`).join(',')}}`;
  const result = await namedQuery<Record<string, unknown>>(
    db,
    'wh_claim_job',
    sql`
    with claimed as (
      update jobs
         set state = 'running',
             lease_owner = ${options.workerId},
             lease_token = gen_random_uuid(),
             lease_expires_at = now() + ${options.leaseSeconds} * interval '1 second',
             started_at = now(),
             updated_at = now()
       where id = (
         select j.id from jobs j
          where j.state = 'queued'
            and j.run_at <= now()
            and j.kind = any(${kinds}::text[])
          order by j.priority desc nulls last, j.id
          for update skip locked
          limit 1)
      returning *
    ), event as (
      insert into events (type, run_id, task_id, job_id, actor, payload)
      select 'job.claimed', run_id, task_id, id, ${options.workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'worker', lease_owner)
        from claimed
    )
    select * from claimed`,
  );
  const row = result.rows[0];
  return row ? toJob(row) : null;
}
