/**
 * The scheduled LLM review: where the `llm-review` rule sets `everyMinutes` above 0, a run at work whose
 * last review was asked for longer ago than that gets a review job queued (a worker runs it; see
 * services/director-review.ts). Off by default: `everyMinutes` is 0 until someone sets it.
 */
import { type DirectorRuleSettings, ruleConfig } from '../domain/director.ts';
import type { ServiceContext } from '../services/context.ts';
import { requestDirectorReview, reviewableRuns } from '../services/director-review.ts';
import type { Job } from '../services/steps/jobs.ts';

/** What one pass queued, and the runs whose review could not be asked for (each left for the next pass). */
export interface DueReviews {
  queued: Job[];
  failed: { runId: number; error: unknown }[];
}

export async function queueDueReviews(
  ctx: ServiceContext,
  installation: DirectorRuleSettings,
): Promise<DueReviews> {
  const due: DueReviews = { queued: [], failed: [] };
  for (const run of await reviewableRuns(ctx.db)) {
    const every = Number(ruleConfig(installation, run.settings.director, 'llm-review')?.everyMinutes ?? 0);
    if (!(every > 0)) continue;
    if (run.minutesSinceReview !== null && run.minutesSinceReview < every) continue;
    // One run refusing (killed since it was read, say) must not keep the others from their reviews.
    try {
      const { job, created } = await requestDirectorReview(ctx, run.runId, 'schedule');
      if (created) due.queued.push(job);
    } catch (error) {
      due.failed.push({ runId: run.runId, error });
    }
  }
  return due;
}
