/**
 * Worker slots that finish their jobs hand themselves the next ones in the same statement: the
 * completions, the claims and every job's event rows commit together. One round trip and one durable
 * commit for a whole batch, instead of two per job.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Job } from '../steps/jobs.ts';
import { type ClaimOptions, claimedEvents, claimUpdate, inClaimOrder } from './claim-job.ts';
import { type Finished, succeededEvents, succeedUpdate } from './finish-job.ts';
import { toJob } from './job-row.ts';
import { recordRefusedWrite } from './lease.ts';
import { namedQuery } from './named-query.ts';

export interface CompletedAndClaimed {
  /** Ids of the finished jobs recorded as succeeded; any other's lease was lost and its result refused. */
  completed: Set<number>;
  /** The next jobs, leased to `claim.workerId`: at most `limit`, fewer when fewer are claimable. */
  claimed: Job[];
}

/**
 * Completes the finished jobs and claims up to `limit` more, atomically. A stale lease refuses that job's
 * completion (recorded as usual) and changes nothing else. The claim cannot pick a job being completed: in
 * the statement's snapshot it is still running.
 */
export async function completeAndClaim(
  db: Queryable,
  finished: readonly Finished[],
  claim: ClaimOptions,
  limit: number,
): Promise<CompletedAndClaimed> {
  const result = await namedQuery<Record<string, unknown> & { completed_ids: Array<number | string> }>(
    db,
    'wh_complete_and_claim',
    sql`
    with done as (${succeedUpdate(finished)}),
    claimed as (${claimUpdate(claim, limit)}),
    event as (
      insert into events (type, project_id, run_id, task_id, job_id, actor, payload)
      (${succeededEvents('done', claim.workerId)})
      union all
      (${claimedEvents('claimed', claim.workerId)})
    )
    select array(select id from done) as completed_ids, claimed.*
      from (select) as always_one_row left join claimed on true`,
  );
  const completed = new Set((result.rows[0]?.completed_ids ?? []).map(Number));
  for (const { lease } of finished) {
    if (!completed.has(lease.jobId)) await recordRefusedWrite(db, lease, claim.workerId, 'result');
  }
  const claimed = result.rows.filter((row) => row.id !== null).map(toJob);
  return { completed, claimed: inClaimOrder(claimed) };
}
