import { useEffect, useRef, useState } from 'react';
import { api, errorText, type WhEvent } from '../api.ts';
import { ErrorNote } from './Notice.tsx';

export type EventBus = (listener: (event: WhEvent) => void) => () => void;

/**
 * A job's log: what `GET /api/jobs/{id}` has so far, then each `job.output` chunk as it arrives.
 * Chunks that arrive while the log is being read are kept and added unless the log already ends with them.
 */
export function JobLog({ jobId, subscribe }: { jobId: number; subscribe: EventBus }) {
  const [log, setLog] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    let loading = true;
    let cancelled = false;
    const pending: string[] = [];
    setLog(null);
    setError(null);
    const load = () => {
      loading = true;
      api.job(jobId).then(
        (job) => {
          if (cancelled) return;
          let text = job.log;
          for (const chunk of pending.splice(0)) if (!text.endsWith(chunk)) text += chunk;
          loading = false;
          setLog(text);
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
      if (event.type !== 'job.output' || event.job_id !== jobId) return;
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
    </div>
  );
}
