/**
 * One line in the server's log for each job that did not go through: the job, its task, and why. A person
 * reading the log sees at once that the default backend is missing or a stage's checks went red, without
 * opening the dashboard. The reason is the job's recorded error (known secrets already masked), first line
 * only: the rest (an agent's stderr) is in the job's log.
 */
import type { Logger } from 'pino';
import { verdictOfReport } from '../domain/job-verdict.ts';
import type { Job } from '../services/steps/jobs.ts';

type LoggedJob = Pick<Job, 'id' | 'taskId' | 'runId' | 'stage' | 'kind' | 'state' | 'attempt' | 'lastError'>;

function subject(job: LoggedJob): string {
  const what = job.stage ?? job.kind;
  return job.taskId === null
    ? `job ${job.id} (run ${job.runId}, ${what})`
    : `job ${job.id} (task ${job.taskId}, ${what})`;
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] ?? '';
}

/** The line for a failed attempt: retried, failed for good, or dead with no attempts left. */
export function failureLine(job: LoggedJob): string {
  const outcome =
    job.state === 'dead'
      ? 'is dead'
      : job.state === 'failed'
        ? 'failed'
        : `failed attempt ${job.attempt - 1}, retrying`;
  return `${subject(job)} ${outcome}: ${firstLine(job.lastError ?? 'no reason recorded')}`;
}

export function logJobFailure(logger: Logger | undefined, job: LoggedJob): void {
  logger?.warn({ jobId: job.id, taskId: job.taskId, runId: job.runId, state: job.state }, failureLine(job));
}

/** A job that ran to the end but whose report says its stage failed (a red gate, a blocking finding). */
export function logFailedVerdict(logger: Logger | undefined, job: LoggedJob, report: unknown): void {
  const verdict = verdictOfReport(report);
  if (!logger || !verdict || verdict.pass) return;
  logger.warn(
    { jobId: job.id, taskId: job.taskId, runId: job.runId, state: job.state },
    `${subject(job)} did not pass: ${verdict.reasons.map(firstLine).join('; ') || 'no reason recorded'}`,
  );
}
