/** What the diff rules share: the passed DEV jobs this Director has not looked at yet, with their changes. */
import type { ProjectSettings } from '../../db/schema.ts';
import type { DirectorRuleName } from '../../domain/director.ts';
import type { Proposal } from '../../services/director.ts';
import type { PassedStage } from '../../services/director-reads.ts';
import type { BranchChanges } from '../changes.ts';
import type { DirectorView } from '../rule.ts';

export interface ReviewedChange {
  job: PassedStage;
  changes: BranchChanges;
}

/** The passed DEV changes `rule` is on for and has not reviewed in this process. */
export async function changesToReview(
  view: DirectorView,
  rule: DirectorRuleName,
  isOn: (settings: ProjectSettings) => boolean,
): Promise<ReviewedChange[]> {
  const reviewed: ReviewedChange[] = [];
  for (const job of await view.passedStages()) {
    if (job.stage !== 'dev' || !isOn(job.settings) || !view.firstLook(`${rule}:job-${job.jobId}`)) continue;
    const changes = await view.changesOf(job.repository, job.projectId, job.runBranch, job.taskId);
    if (changes) reviewed.push({ job, changes });
  }
  return reviewed;
}

/** A high finding on the task of a passed DEV job: it goes back to DEV with the note in its prompt. */
export function sendBack(
  rule: DirectorRuleName,
  job: PassedStage,
  evidence: Record<string, unknown>,
  finding: { issue: string; recommendation: string; file: string | null },
): Proposal {
  return {
    rule,
    fingerprint: `${rule}:job-${job.jobId}`,
    projectId: job.projectId,
    runId: job.runId,
    taskId: job.taskId,
    jobId: job.jobId,
    taskVersion: job.taskVersion,
    evidence,
    summary: `task ${job.taskId}: ${finding.issue}`,
    plan: { kind: 'finding', severity: 'high', ...finding },
  };
}
