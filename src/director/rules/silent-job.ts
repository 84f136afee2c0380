/**
 * silent-job: a running agent that has written nothing to its job's log for `silentMinutes` is hung (a live
 * worker keeps renewing its lease, so the queue alone never notices). Its job is cancelled, which stops the
 * agent, and its stage's job is queued again.
 */

import type { Proposal } from '../../services/director.ts';
import { runningStageJobs } from '../../services/director-reads.ts';
import type { DirectorRule } from '../rule.ts';

export const silentJob: DirectorRule = {
  name: 'silent-job',
  async propose(view) {
    const proposals: Proposal[] = [];
    for (const job of await runningStageJobs(view.db)) {
      const config = view.config(job.settings, 'silent-job');
      if (!config || job.silentSeconds < config.silentMinutes * 60) continue;
      const minutes = Math.floor(job.silentSeconds / 60);
      proposals.push({
        rule: 'silent-job',
        fingerprint: `silent-job:job-${job.jobId}`,
        projectId: job.projectId,
        runId: job.runId,
        taskId: job.taskId,
        jobId: job.jobId,
        taskVersion: job.taskVersion,
        evidence: { stage: job.stage, silent_minutes: minutes, threshold_minutes: config.silentMinutes },
        summary: `job ${job.jobId} (${job.stage} of task ${job.taskId}) printed nothing for ${minutes} min: cancelled and queued again`,
        plan: { kind: 'restart', jobId: job.jobId },
      });
    }
    return proposals;
  },
};
