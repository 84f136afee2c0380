/**
 * Claims the next queued jobs: highest priority first, then oldest. (A paused run's jobs are held and a
 * killed run's cancelled, so `queued` alone means claimable.) One statement: the claims, their leases (a
 * fresh token each, which fences every later write) and their events.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Job } from '../steps/jobs.ts';
import { toJob } from './job-row.ts';
import { namedQuery } from './named-query.ts';

export interface ClaimOptions {
  workerId: string;
  kinds: readonly string[];
  leaseSeconds: number;
}

/**
 * Claims up to `limit` jobs as an `UPDATE ... RETURNING *`, to run alone or inside a larger statement.
 * `= any(array(...))` makes the locking subquery run exactly once.
 */
export function claimUpdate(options: ClaimOptions, limit: number): SQL {
  return sql`
      update jobs
         set state = 'running',
             lease_owner = ${options.workerId},
             lease_token = gen_random_uuid(),
             lease_expires_at = now() + ${options.leaseSeconds} * interval '1 second',
             started_at = now(),
             updated_at = now()
       where id = any(array(
         select j.id from jobs j
          where j.state = 'queued'
            and j.run_at <= now()
            and j.kind = any(${sql.param([...options.kinds])}::text[])
          order by j.priority desc nulls last, j.id
          for update skip locked
          limit ${limit}))
      returning *`;
}

/** The `job.claimed` event rows for the jobs in `claimed`, a CTE of claimed job rows, in claim order. */
export function claimedEvents(claimed: string, workerId: string): SQL {
  return sql`
      select 'job.claimed', (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'worker', lease_owner)
        from ${sql.identifier(claimed)}
       order by priority desc, id`;
}

/** Claimed jobs in the order they were chosen: the statement returns them in no particular order. */
export function inClaimOrder(jobs: Job[]): Job[] {
  return jobs.sort((a, b) => b.priority - a.priority || a.id - b.id);
}

export async function claimJobs(db: Queryable, options: ClaimOptions, limit: number): Promise<Job[]> {
  const result = await namedQuery<Record<string, unknown>>(
    db,
    'wh_claim_jobs',
    sql`
    with claimed as (${claimUpdate(options, limit)}),
    event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      ${claimedEvents('claimed', options.workerId)}
    )
    select * from claimed`,
  );
  return inClaimOrder(result.rows.map(toJob));
}

export async function claimJob(db: Queryable, options: ClaimOptions): Promise<Job | null> {
  return (await claimJobs(db, options, 1))[0] ?? null;
}
