/**
 * How a running job ends, each fenced by its lease token: it succeeded, it failed (and is retried with
 * backoff until it has used its attempts, then is dead), or it is released unfinished (a worker shutting
 * down) to be run again at the same attempt. A stale token changes nothing and is recorded.
 */
import { sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';
import type { Job } from '../steps/jobs.ts';
import { BACKOFF_SQL, toJob } from './job-row.ts';
import { type Lease, recordRefusedWrite } from './lease.ts';

export interface JobUsage {
  exitCode?: number | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  costUsd?: number | null;
}

export interface Completion extends JobUsage {
  report?: unknown;
}

export type FinishOutcome = { accepted: true; job: Job } | { accepted: false };

async function finish(
  db: Queryable,
  lease: Lease,
  workerId: string,
  what: string,
  statement: ReturnType<typeof sql>,
): Promise<FinishOutcome> {
  const result = await db.execute<Record<string, unknown>>(statement);
  const row = result.rows[0];
  if (row) return { accepted: true, job: toJob(row) };
  await recordRefusedWrite(db, lease, workerId, what);
  return { accepted: false };
}

const usageSet = (usage: JobUsage) => sql`
  exit_code = coalesce(${usage.exitCode ?? null}::int, exit_code),
  input_tokens = coalesce(${usage.inputTokens ?? null}::int, input_tokens),
  output_tokens = coalesce(${usage.outputTokens ?? null}::int, output_tokens),
  cost_usd = coalesce(${usage.costUsd ?? null}::float8, cost_usd)`;

export function completeJob(db: Queryable, lease: Lease, workerId: string, completion: Completion = {}) {
  const report = completion.report === undefined ? null : JSON.stringify(completion.report);
  return finish(
    db,
    lease,
    workerId,
    'result',
    sql`
    with done as (
      update jobs
         set state = 'succeeded', report = coalesce(${report}::jsonb, report), ${usageSet(completion)},
             lease_token = null, lease_expires_at = null, finished_at = now(), updated_at = now()
       where id = ${lease.jobId} and lease_token = ${lease.leaseToken} and state = 'running'
      returning *
    ), event as (
      insert into events (type, run_id, task_id, job_id, actor, payload)
      select 'job.succeeded', run_id, task_id, id, ${workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'exit_code', exit_code)
        from done
    )
    select * from done`,
  );
}

/**
 * Completes a job and applies its outcome in the same transaction, so the outcome lands only if the lease
 * still holds. `apply` runs inside the transaction and must use only `tx`.
 */
export async function completeJobWith(
  db: Queryable,
  lease: Lease,
  workerId: string,
  completion: Completion,
  apply: (tx: Tx, job: Job) => Promise<void>,
): Promise<FinishOutcome> {
  const outcome = await db.transaction(async (tx) => {
    const done = await completeJob(tx, lease, workerId, completion);
    if (done.accepted) await apply(tx, done.job);
    return done;
  });
  return outcome;
}

export interface Failure extends JobUsage {
  error: string;
  /** A failure no retry can fix (bad configuration, a refused input): the job fails at once. */
  permanent?: boolean;
}

export function failJob(db: Queryable, lease: Lease, workerId: string, failure: Failure) {
  const permanent = failure.permanent ?? false;
  return finish(
    db,
    lease,
    workerId,
    'failure',
    sql`
    with failed as (
      update jobs
         set state = case when ${permanent}::boolean then 'failed'
                          when attempt < max_attempts then 'queued' else 'dead' end,
             attempt = case when not ${permanent}::boolean and attempt < max_attempts then attempt + 1 else attempt end,
             run_at = case when not ${permanent}::boolean and attempt < max_attempts
                           then now() + ${sql.raw(BACKOFF_SQL)} else run_at end,
             last_error = ${failure.error}, ${usageSet(failure)},
             lease_token = null, lease_expires_at = null, updated_at = now(),
             finished_at = case when ${permanent}::boolean or attempt >= max_attempts then now() end
       where id = ${lease.jobId} and lease_token = ${lease.leaseToken} and state = 'running'
      returning *
    ), event as (
      insert into events (type, run_id, task_id, job_id, actor, payload)
      select case state when 'queued' then 'job.retry_scheduled' when 'dead' then 'job.dead' else 'job.failed' end,
             run_id, task_id, id, ${workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'error', last_error, 'run_at', run_at)
        from failed
    )
    select * from failed`,
  );
}

/** Gives a running job back unfinished (a worker draining): queued again now, at the same attempt. */
export function releaseJob(db: Queryable, lease: Lease, workerId: string, reason: string) {
  return finish(
    db,
    lease,
    workerId,
    'release',
    sql`
    with released as (
      update jobs
         set state = 'queued', run_at = now(), lease_owner = null, lease_token = null, lease_expires_at = null,
             last_error = ${reason}, updated_at = now()
       where id = ${lease.jobId} and lease_token = ${lease.leaseToken} and state = 'running'
      returning *
    ), event as (
      insert into events (type, run_id, task_id, job_id, actor, payload)
      select 'job.released', run_id, task_id, id, ${workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'reason', ${reason}::text)
        from released
    )
    select * from released`,
  );
}

/**
 * Jobs whose lease ran out (their worker died or hung) are queued again at the next attempt, with backoff,
 * or are dead when they have used their attempts. Returns how many were recovered.
 */
export async function reclaimExpiredJobs(db: Queryable, actor: string): Promise<number> {
  const result = await db.execute<{ id: number }>(sql`
    with expired as (
      update jobs
         set state = case when attempt < max_attempts then 'queued' else 'dead' end,
             attempt = case when attempt < max_attempts then attempt + 1 else attempt end,
             run_at = now() + ${sql.raw(BACKOFF_SQL)},
             last_error = 'lease expired: worker ' || coalesce(lease_owner, '?') || ' stopped renewing it',
             lease_token = null, lease_expires_at = null, updated_at = now(),
             finished_at = case when attempt >= max_attempts then now() end
       where state = 'running' and lease_expires_at < now()
      returning *
    ), event as (
      insert into events (type, run_id, task_id, job_id, actor, payload)
      select case state when 'dead' then 'job.dead' else 'job.lease_expired' end, run_id, task_id, id, ${actor},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'error', last_error)
        from expired
    )
    select id from expired`);
  return result.rows.length;
}
