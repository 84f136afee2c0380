/**
 * An agent that did not finish cleanly fails its job attempt; it is never a pass. Failures no retry can fix
 * (no such executable, no credentials) fail the job at once with the reason; others are retried.
 */
import type { AgentRunResult } from '../../agents/runner.ts';
import type { JobUsage } from '../../services/queue/finish-job.ts';
import { JobFailure } from '../handler.ts';

// Specific phrases only: "author", "credentials.test.ts" or a line number 401 in an agent's output is no
// reason to give up on the job.
const PERMANENT =
  /could not run|bwrap: execvp|authentication failed|\bunauthori[sz]ed\b|invalid api[ _-]?key|\bnot logged in\b|\blog ?in required\b|\b(401|403) (unauthori[sz]ed|forbidden)\b/i;

export function failedAgentError(result: AgentRunResult, usage: JobUsage): JobFailure {
  const reason = result.summary.error ?? `exited with code ${result.exitCode}`;
  const detail = result.stderrTail.trim() ? `\n${result.stderrTail.trim().slice(-1500)}` : '';
  const permanent = !result.timedOut && !result.aborted && PERMANENT.test(`${reason} ${result.stderrTail}`);
  return new JobFailure(`agent failed: ${reason}${detail}`, permanent, usage);
}
