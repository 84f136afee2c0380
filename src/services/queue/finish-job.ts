/**
 * How a running job ends, each fenced by its lease token: it succeeded, it failed (and is retried with
 * backoff until it has used its attempts, then is dead), or it is released unfinished (a worker shutting
 * down) to be run again at the same attempt. A stale token changes nothing and is recorded.
 */

import { type SQL, sql } from 'drizzle-orm';
import { redactKnown, redactKnownValue } from '../../config/known-secrets.ts';
import type { Queryable, Tx } from '../../db/client.ts';
import { appendEvent, type EventInput, type OutcomeEvent } from '../events.ts';
import type { Job } from '../steps/jobs.ts';
import { BACKOFF_SQL, toJob } from './job-row.ts';
import { type Lease, recordRefusedWrite } from './lease.ts';
import { namedQuery } from './named-query.ts';

/** Work going back to the queue stays held while its run or its task is paused (see readyState). */
const PAUSED = '(r.paused or coalesce((select t.paused from tasks t where t.id = jobs.task_id), false))';
const READY_STATE = `case when ${PAUSED} then 'held' else 'queued' end`;

export interface JobUsage {
  /** The agent backend that ran, and the role config version its prompt came from. */
  backend?: string | null;
  roleConfigId?: number | null;
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
  const result = await namedQuery<Record<string, unknown>>(db, `wh_finish_${what}`, statement);
  const row = result.rows[0];
  if (row) return { accepted: true, job: toJob(row) };
  await recordRefusedWrite(db, lease, workerId, what);
  return { accepted: false };
}

const usageSet = (usage: JobUsage) => sql`
  backend = coalesce(${usage.backend ?? null}::text, backend),
  role_config_id = coalesce(${usage.roleConfigId ?? null}::int, role_config_id),
  exit_code = coalesce(${usage.exitCode ?? null}::int, exit_code),
  input_tokens = coalesce(${usage.inputTokens ?? null}::int, input_tokens),
  output_tokens = coalesce(${usage.outputTokens ?? null}::int, output_tokens),
  cost_usd = coalesce(${usage.costUsd ?? null}::float8, cost_usd)`;

/** A report as stored: known secrets masked (it quotes agents and gates, which may print anything). */
function reportJson(report: unknown): string | null {
  return report === undefined ? null : JSON.stringify(redactKnownValue(report));
}

/** A job its handler finished, with the lease it ran under. */
export interface Finished {
  lease: Lease;
  completion: Completion;
}

/**
 * Marks each finished job succeeded, as an `UPDATE ... RETURNING *`: one row per job whose lease is still
 * current, none for the others.
 */
export function succeedUpdate(finished: readonly Finished[]): SQL {
  const column = (pick: (usage: Completion) => unknown) =>
    sql.param(finished.map((f) => pick(f.completion) ?? null));
  const ids = sql.param(finished.map((f) => f.lease.jobId));
  const tokens = sql.param(finished.map((f) => f.lease.leaseToken));
  const reports = column((c) => reportJson(c.report));
  return sql`
      update jobs
         set state = 'succeeded', report = coalesce(f.report::jsonb, jobs.report),
             backend = coalesce(f.backend, jobs.backend),
             role_config_id = coalesce(f.role_config_id, jobs.role_config_id),
             exit_code = coalesce(f.exit_code, jobs.exit_code),
             input_tokens = coalesce(f.input_tokens, jobs.input_tokens),
             output_tokens = coalesce(f.output_tokens, jobs.output_tokens),
             cost_usd = coalesce(f.cost_usd, jobs.cost_usd),
             lease_token = null, lease_expires_at = null, finished_at = now(), updated_at = now()
        from unnest(${ids}::bigint[], ${tokens}::uuid[], ${reports}::text[], ${column((c) => c.backend)}::text[],
                    ${column((c) => c.roleConfigId)}::int[], ${column((c) => c.exitCode)}::int[],
                    ${column((c) => c.inputTokens)}::int[], ${column((c) => c.outputTokens)}::int[],
                    ${column((c) => c.costUsd)}::float8[])
             as f(id, token, report, backend, role_config_id, exit_code, input_tokens, output_tokens, cost_usd)
       where jobs.id = f.id and jobs.lease_token = f.token and jobs.state = 'running'
      returning jobs.*`;
}

/** The `job.succeeded` event rows for the jobs in `done`, a CTE of succeeded job rows. */
export function succeededEvents(done: string, workerId: string): SQL {
  return sql`
      select 'job.succeeded', (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'exit_code', exit_code)
        from ${sql.identifier(done)}
       order by id`;
}

export function completeJob(db: Queryable, lease: Lease, workerId: string, completion: Completion = {}) {
  return finish(
    db,
    lease,
    workerId,
    'result',
    sql`
    with done as (${succeedUpdate([{ lease, completion }])}),
    event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      ${succeededEvents('done', workerId)}
    )
    select * from done`,
  );
}

/**
 * Completes a job and applies its outcome in the same transaction, so the outcome lands only if the lease
 * still holds. `apply` runs inside the transaction (use only `tx`) and returns the one event that describes
 * the whole change; the job's own completion is recorded in that event.
 */
export async function completeJobWith(
  db: Queryable,
  lease: Lease,
  workerId: string,
  completion: Completion,
  apply: (tx: Tx, job: Job) => Promise<OutcomeEvent>,
): Promise<FinishOutcome> {
  return db.transaction(async (tx) => {
    const held = await tx.execute<Record<string, unknown>>(sql`
      select * from jobs
       where id = ${lease.jobId} and lease_token = ${lease.leaseToken} and state = 'running'
         for update`);
    const row = held.rows[0];
    if (!row) {
      await recordRefusedWrite(tx, lease, workerId, 'result');
      return { accepted: false } as const;
    }
    const event = await apply(tx, toJob(row));
    // Matched by id alone: the lease was checked under the row lock above, and `apply` may have moved the
    // job on (a stage verdict cancels the task's open jobs, this one among them).
    const report = reportJson(completion.report);
    const done = await tx.execute<Record<string, unknown>>(sql`
      update jobs
         set state = 'succeeded', report = coalesce(${report}::jsonb, report), ${usageSet(completion)},
             lease_token = null, lease_expires_at = null, finished_at = now(), updated_at = now()
       where id = ${lease.jobId}
      returning *, (select project_id from runs where runs.id = jobs.run_id) as project_id`);
    const job = toJob(done.rows[0]!);
    const projectId = Number(done.rows[0]!.project_id);
    // An outcome event plus `job` is its catalogued payload (OutcomeEvent), which TypeScript cannot see
    // through the spread of a union.
    const outcome = {
      ...event,
      projectId: event.projectId ?? projectId,
      runId: event.runId ?? job.runId,
      taskId: event.taskId ?? job.taskId,
      jobId: job.id,
      payload: { ...event.payload, job: { kind: job.kind, attempt: job.attempt, state: job.state } },
    } as EventInput;
    await appendEvent(tx, workerId, outcome);
    return { accepted: true, job } as const;
  });
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
                          when attempt < max_attempts then ${sql.raw(READY_STATE)} else 'dead' end,
             held_by_pause = not ${permanent}::boolean and attempt < max_attempts and ${sql.raw(PAUSED)},
             attempt = case when not ${permanent}::boolean and attempt < max_attempts then attempt + 1 else attempt end,
             run_at = case when not ${permanent}::boolean and attempt < max_attempts
                           then now() + ${sql.raw(BACKOFF_SQL)} else run_at end,
             last_error = ${redactKnown(failure.error)}, ${usageSet(failure)},
             lease_token = null, lease_expires_at = null, updated_at = now(),
             finished_at = case when ${permanent}::boolean or attempt >= max_attempts then now() end
        from runs r
       where r.id = jobs.run_id and jobs.id = ${lease.jobId} and jobs.lease_token = ${lease.leaseToken}
         and jobs.state = 'running'
      returning jobs.*
    ), event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      select case state when 'queued' then 'job.retry_scheduled' when 'held' then 'job.retry_scheduled' when 'dead' then 'job.dead' else 'job.failed' end,
             (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
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
         set state = ${sql.raw(READY_STATE)}, held_by_pause = ${sql.raw(PAUSED)}, run_at = now(), lease_owner = null,
             lease_token = null, lease_expires_at = null, last_error = ${reason}, updated_at = now()
        from runs r
       where r.id = jobs.run_id and jobs.id = ${lease.jobId} and jobs.lease_token = ${lease.leaseToken}
         and jobs.state = 'running'
      returning jobs.*
    ), event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      select 'job.released', (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
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
         set state = case when attempt < max_attempts then ${sql.raw(READY_STATE)} else 'dead' end,
             held_by_pause = attempt < max_attempts and ${sql.raw(PAUSED)},
             attempt = case when attempt < max_attempts then attempt + 1 else attempt end,
             run_at = now() + ${sql.raw(BACKOFF_SQL)},
             last_error = 'lease expired: worker ' || coalesce(lease_owner, '?') || ' stopped renewing it',
             lease_token = null, lease_expires_at = null, updated_at = now(),
             finished_at = case when attempt >= max_attempts then now() end
        from runs r
       where r.id = jobs.run_id and jobs.state = 'running' and jobs.lease_expires_at < now()
      returning jobs.*
    ), event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      select case state when 'dead' then 'job.dead' else 'job.lease_expired' end, (select project_id from runs where runs.id = run_id),
             run_id, task_id, id, ${actor},
             jsonb_build_object('kind', kind, 'attempt', attempt, 'error', last_error)
        from expired
    )
    select id from expired`);
  return result.rows.length;
}
