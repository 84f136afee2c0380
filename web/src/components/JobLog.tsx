import { useEffect, useRef, useState } from 'react';
import { api, errorText, type JobDetail, type WhEvent } from '../api.ts';
import { movesJob } from '../live.ts';
import { appended, type TimedLog, unread } from '../timed-log.ts';
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
  const [log, setLog] = useState<TimedLog | null>(null);
  const [job, setJob] = useState<JobDetail | null>(null);
  const [view, setView] = useState<'steps' | 'raw'>('steps');
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    let loading = true;
    // Something changed while the job was being read (it moved, or a chunk came too long for its event):
    // read it again once that read is done, or what is shown would be from before the change.
    let readAgain = false;
    let cancelled = false;
    const pending: { chunk: string; at: number }[] = [];
    setLog(null);
    setError(null);
    const load = () => {
      loading = true;
      api.job(jobId).then(
        (job) => {
          if (cancelled) return;
          setJob(job);
          let timed: TimedLog = {
            text: job.log,
            times: job.log_times.map((time) => ({ offset: time.offset, at: Date.parse(time.at) })),
          };
          for (const { chunk, at } of unread(job.log, pending.splice(0))) timed = appended(timed, chunk, at);
          loading = false;
          setLog(timed);
          if (readAgain) {
            readAgain = false;
            load();
          }
        },
        (failure: unknown) => {
          if (cancelled) return;
          loading = false;
          setError(errorText(failure));
          setLog({ text: '', times: [] });
        },
      );
    };
    const reload = () => {
      if (loading) readAgain = true;
      else load();
    };
    const unsubscribe = subscribe((event) => {
      if (event.job_id !== jobId) return;
      if (movesJob(event)) reload();
      if (event.type !== 'job.output') return;
      const chunk = typeof event.payload.chunk === 'string' ? event.payload.chunk : '';
      const chars = typeof event.payload.chars === 'number' ? event.payload.chars : chunk.length;
      // The event carries at most the chunk's tail; a longer chunk means: read the whole log again.
      if (chars > chunk.length) {
        reload();
        return;
      }
      const at = Date.parse(event.created_at);
      if (loading) pending.push({ chunk, at });
      else setLog((current) => appended(current ?? { text: '', times: [] }, chunk, at));
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
          disabled={!log?.text}
          onClick={() => log?.text && downloadRaw(jobId, log.text)}
        >
          Download raw
        </button>
      </div>
      {view === 'steps' && log !== null ? (
        <JobSteps log={log.text} times={log.times} backend={job?.backend ?? null} />
      ) : (
        <pre
          ref={box}
          className="log"
          onScroll={(event) => {
            const element = event.currentTarget;
            follow.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
          }}
        >
          {log === null ? 'Loading log…' : log.text || 'No output yet.'}
        </pre>
      )}
    </div>
  );
}
