import { useMemo, useState } from 'react';
import { type ChunkTime, type LogStep, logSteps, type StepKind, searchSteps } from '../log-steps.ts';

const KIND_TEXT: Record<StepKind, string> = {
  workhorse: 'Workhorse',
  message: 'Agent',
  tool: 'Tool call',
  result: 'Tool result',
  error: 'Error',
  file: 'File',
  output: 'Output',
  done: 'Result',
};

function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    // 14:55:00 fits the time column; 02:55:00 PM ran into the step.
    hourCycle: 'h23',
  });
}

/** Seconds from one timed step to the next one that is timed: how long the agent spent on it. */
function durations(steps: readonly LogStep[]): Map<LogStep, number> {
  const spent = new Map<LogStep, number>();
  let previous: LogStep | null = null;
  for (const step of steps) {
    if (step.at === null) continue;
    if (previous?.at != null) spent.set(previous, Math.max(0, step.at - previous.at));
    previous = step;
  }
  return spent;
}

function secondsText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A job's log as steps, searchable; tool inputs and long outputs are folded. */
export function JobSteps({
  log,
  times,
  backend,
}: {
  log: string;
  times: readonly ChunkTime[];
  backend: string | null;
}) {
  const [query, setQuery] = useState('');
  const steps = useMemo(() => logSteps(log, backend, times), [log, backend, times]);
  const spent = useMemo(() => durations(steps), [steps]);
  const shown = useMemo(() => searchSteps(steps, query), [steps, query]);
  return (
    <div className="stack">
      <label className="field field-inline log-search">
        <span>Search the log</span>
        <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} />
      </label>
      <p className="visually-hidden" aria-live="polite">
        {query ? `${shown.length} of ${steps.length} steps match` : ''}
      </p>
      {shown.length === 0 ? (
        <p className="empty">{steps.length === 0 ? 'No output yet.' : 'No step matches.'}</p>
      ) : (
        <ol className="log-steps" data-testid="log-steps">
          {shown.map((step, index) => (
            <li
              // Steps only ever grow at the end: their position is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={index}
              className={`log-step log-step-${step.kind}`}
            >
              <span className="log-step-time">
                {step.at !== null ? clock(step.at) : ''}
                {spent.has(step) ? <span className="block">{secondsText(spent.get(step)!)}</span> : null}
              </span>
              <div className="log-step-body">
                <span className="log-step-kind">{KIND_TEXT[step.kind]}</span>
                {step.text}
                {step.detail ? (
                  <details>
                    <summary>{step.kind === 'tool' ? 'Input' : 'All of it'}</summary>
                    <pre>{step.detail}</pre>
                  </details>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
