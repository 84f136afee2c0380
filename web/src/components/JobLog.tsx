import { useEffect, useRef, useState } from 'react';
import { api, errorText, type JobDetail, type WhEvent } from '../api.ts';
import { movesJob } from '../live.ts';
import { JobEvidence } from './JobEvidence.tsx';
import { JobSteps } from './JobSteps.tsx';
import { ErrorNote } from './Notice.tsx';

export type EventBus = (listener: (event: WhEvent) => void) => () => void;

function downloadRaw(jobId: number, log: string): void {
  const url = URL.createObjectURL(new Blob([log], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `job-${jobId}.log`;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * A job's log: what `GET /api/jobs/{id}` has so far, then each `job.output` chunk as it arrives, shown as
 * steps (or raw), with the job's verdict and evidence above it.
 * Chunks that arrive while the log is being read are kept and added unless the log already ends with them.
 */
export function JobLog({ jobId, subscribe }: { jobId: number; subscribe: EventBus }) {
  const [log, setLog] = useState<string | null>(null);
  const [job, setJob] = useState<JobDetail | null>(null);
  const [view, setView] = useState<'steps' | 'raw'>('steps');
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    let loading = true;
    // A job that moves while its log is being read: read it again once that read is done, or the state
    // and verdict shown would be the ones from before the move.
    let movedWhileLoading = false;
    let cancelled = false;
    const pending: string[] = [];
    setLog(null);
    setError(null);
    const load = () => {
      loading = true;
      api.job(jobId).then(
        (job) => {
          if (cancelled) return;
          setJob(job);
          let text = job.log;
          for (const chunk of pending.splice(0)) if (!text.endsWith(chunk)) text += chunk;
          loading = false;
          setLog(text);
          if (movedWhileLoading) {
            movedWhileLoading = false;
            load();
          }
        },
        (failure: unknown) => {
          if (cancelled) return;
          loading = false;
          setError(errorText(failure));
          setLog('');
        },
      );
    };
    const unsubscribe = subscribe((event) => {
      if (event.job_id !== jobId) return;
      if (movesJob(event)) {
        if (loading) movedWhileLoading = true;
        else load();
      }
      if (event.type !== 'job.output') return;
      const chunk = typeof event.payload.chunk === 'string' ? event.payload.chunk : '';
      const chars = typeof event.payload.chars === 'number' ? event.payload.chars : chunk.length;
      // The event carries at most the chunk's tail; a longer chunk means: read the whole log again.
      if (chars > chunk.length) {
        if (!loading) load();
        return;
      }
      if (loading) pending.push(chunk);
      else setLog((current) => (current ?? '') + chunk);
    });
    load();
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [jobId, subscribe]);

  // Keep the newest lines in view unless the reader scrolled up.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each log change
  useEffect(() => {
    const element = box.current;
    if (element && follow.current) element.scrollTop = element.scrollHeight;
  }, [log]);

  return (
    <div className="job-log">
      <ErrorNote error={error} />
      {job && job.id === jobId ? <JobEvidence job={job} /> : null}
      <div className="log-tools">
        <fieldset className="button-row" aria-label="Show the log as">
          <button
            type="button"
            className="button-small"
            aria-pressed={view === 'steps'}
            onClick={() => setView('steps')}
          >
            Steps
          </button>
          <button
            type="button"
            className="button-small"
            aria-pressed={view === 'raw'}
            onClick={() => setView('raw')}
          >
            Raw
          </button>
        </fieldset>
        <button
          type="button"
          className="button-small button-quiet"
          disabled={!log}
          onClick={() => log && downloadRaw(jobId, log)}
        >
          Download raw
        </button>
      </div>
      {view === 'steps' && log !== null ? (
        <JobSteps log={log} backend={job?.backend ?? null} />
      ) : (
        <pre
          ref={box}
          className="log"
          onScroll={(event) => {
            const element = event.currentTarget;
            follow.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
          }}
        >
          {log === null ? 'Loading log…' : log || 'No output yet.'}
        </pre>
      )}
    </div>
  );
}
