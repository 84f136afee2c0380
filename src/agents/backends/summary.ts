import type { AgentSummary } from '../types.ts';

/**
 * The summary a parser ends with. When the run is not ok its error is, in order: killed (a null exit code),
 * the backend's own `reason` for this exit code, or `<cli>: exited with code N`.
 */
export function summarize(
  cli: string,
  exitCode: number | null,
  outcome: Omit<AgentSummary, 'error'>,
  reason: (exitCode: number) => string | null,
): AgentSummary {
  let error: string | null = null;
  if (!outcome.ok) {
    if (exitCode === null) error = 'killed (timeout or cancel)';
    else error = reason(exitCode) ?? `${cli}: exited with code ${exitCode}`;
  }
  return {
    ok: outcome.ok,
    sessionId: outcome.sessionId,
    finalText: outcome.finalText,
    error,
    usage: outcome.usage,
  };
}

/** The process exited before the CLI reported a result. */
export function noResult(cli: string, exitCode: number): string {
  return `${cli}: exited without a result (exit code ${exitCode})`;
}
