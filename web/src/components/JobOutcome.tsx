import { Link } from 'react-router';
import type { Job } from '../api.ts';
import { jobReason } from '../outcome.ts';
import { Badge } from './Badge.tsx';

/**
 * A job's state and, for one that ran to the end, its verdict: "succeeded" alone would read green while the
 * stage failed its checks.
 */
export function JobStateBadge({ job }: { job: Job }) {
  if (job.state === 'succeeded' && job.verdict && !job.verdict.pass)
    return <Badge value="checks_failed" title="The job ran to the end, but its stage failed its checks" />;
  return <Badge value={job.state} />;
}

/** Which agent ran (or runs) a job, in words that fit its state. */
export function jobAgentText(job: Job): string {
  if (job.backend) return job.backend;
  if (job.state === 'running') return `${job.role} agent starting`;
  if (job.state === 'held' || job.state === 'queued') return 'not started';
  return job.kind === 'stage' || job.kind === 'planning' ? 'no agent ran' : 'no agent';
}

/** Why a job did not go through, as a line under it; nothing when it did. */
export function JobReason({ job }: { job: Job }) {
  const reasons = job.verdict && !job.verdict.pass ? job.verdict.reasons : null;
  if (reasons && reasons.length > 0)
    return (
      <ul className="small job-error job-reasons">
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    );
  const reason = jobReason(job);
  if (!reason) return null;
  const failed = job.state === 'failed' || job.state === 'dead';
  return (
    <p className={failed ? 'small job-error' : 'small muted'} title={job.last_error ?? undefined}>
      {reason}
    </p>
  );
}

/** Where a person decides an escalation. */
export function DecideLink({ approvalId }: { approvalId: number }) {
  return (
    <Link to={`/approvals/#approval-${approvalId}`} className="button-link button-small">
      Decide escalation #{approvalId}
    </Link>
  );
}
