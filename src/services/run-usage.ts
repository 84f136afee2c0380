/**
 * What a run's agents have used so far: attempts, tokens and cost, summed over every job an agent ran in
 * (failed and retried attempts count: they were paid for). Cost is what the agent CLIs reported; attempts
 * whose CLI reports no cost are counted apart, so an unknown cost never reads as zero.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { jobs } from '../db/schema.ts';

export interface RunUsage {
  /** Job attempts in which an agent ran. */
  agentJobs: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of reported costs; null when no attempt reported one. */
  costUsd: number | null;
  /** Agent attempts that reported no cost. */
  unpricedJobs: number;
}

const NONE: RunUsage = { agentJobs: 0, inputTokens: 0, outputTokens: 0, costUsd: null, unpricedJobs: 0 };

export async function usageOf(db: Queryable, runIds: number[]): Promise<Map<number, RunUsage>> {
  const usage = new Map(runIds.map((id) => [id, NONE]));
  if (runIds.length === 0) return usage;
  const rows = await db
    .select({
      runId: jobs.runId,
      agentJobs: sql<number>`count(*)::int`,
      inputTokens: sql<number>`coalesce(sum(${jobs.inputTokens}), 0)::int8`,
      outputTokens: sql<number>`coalesce(sum(${jobs.outputTokens}), 0)::int8`,
      costUsd: sql<number | null>`sum(${jobs.costUsd})`,
      unpricedJobs: sql<number>`(count(*) filter (where ${jobs.costUsd} is null))::int`,
    })
    .from(jobs)
    .where(sql`${inArray(jobs.runId, runIds)} and ${jobs.backend} is not null`)
    .groupBy(jobs.runId);
  for (const row of rows) {
    usage.set(row.runId, {
      agentJobs: row.agentJobs,
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      costUsd: row.costUsd === null ? null : Number(row.costUsd),
      unpricedJobs: row.unpricedJobs,
    });
  }
  return usage;
}
