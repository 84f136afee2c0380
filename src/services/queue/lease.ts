/**
 * A lease is held by whoever has the job's current `lease_token`. Every write about a running job names
 * the token; a write with a token that is no longer current changes nothing.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';

export interface Lease {
  jobId: number;
  leaseToken: string;
}

/**
 * Extends the leases still held (or, with `checkOnly`, only looks) and returns the ids of those jobs; a job missing from the answer was
 * lost (expired and reclaimed, or cancelled) and its agent must stop. Extending a lease is bookkeeping, not
 * a state change, so it writes no event.
 */
export async function renewLeases(
  db: Queryable,
  leases: readonly Lease[],
  leaseSeconds: number,
  checkOnly = false,
): Promise<Set<number>> {
  if (leases.length === 0) return new Set();
  const ids = `{${leases.map((lease) => lease.jobId).join(',')}}`;
  const tokens = `{${leases.map((lease) => lease.leaseToken).join(',')}}`;
  const held = sql`unnest(${ids}::bigint[], ${tokens}::uuid[]) as held(id, token)`;
  const matches = sql`j.id = held.id and j.lease_token = held.token and j.state = 'running'`;
  const result = await db.execute<{ id: number | string }>(
    checkOnly
      ? sql`select j.id from jobs j, ${held} where ${matches}`
      : sql`update jobs j set lease_expires_at = now() + ${leaseSeconds} * interval '1 second'
              from ${held} where ${matches} returning j.id`,
  );
  return new Set(result.rows.map((row) => Number(row.id)));
}

/** Records that a write from a stale lease holder was refused: it is evidence of a lost worker. */
export async function recordRefusedWrite(
  db: Queryable,
  lease: Lease,
  workerId: string,
  what: string,
): Promise<void> {
  await db.execute(sql`
    insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
    select 'job.stale_write_refused', (select project_id from runs where runs.id = run_id), run_id, task_id, id, ${workerId},
           jsonb_build_object('what', ${what}::text, 'state', state, 'attempt', attempt)
      from jobs where id = ${lease.jobId}`);
}
