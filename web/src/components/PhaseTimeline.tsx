import { useEffect, useRef } from 'react';
import { type PhaseChange, RUN_PHASES, type RunPhase } from '../api.ts';
import { dateTime, label, timeAgo } from '../format.ts';

/** Every phase but the two ends off the path, failed and killed. */
const PATH: RunPhase[] = RUN_PHASES.filter((phase) => phase !== 'failed' && phase !== 'killed');

/** When each phase was last entered, from a run's timeline. */
function lastEntered(history: readonly PhaseChange[]): Map<RunPhase, string> {
  return new Map(history.map((change) => [change.to_phase, change.at]));
}

/**
 * The run's phase on the path planning -> deployed, with when each was entered when the history is known;
 * failed and killed runs are marked as such.
 */
export function PhaseTimeline({
  phase,
  history = [],
}: {
  phase: RunPhase;
  history?: readonly PhaseChange[];
}) {
  const at = PATH.indexOf(phase);
  const entered = lastEntered(history);
  const ended = phase === 'failed' || phase === 'killed';
  const list = useRef<HTMLOListElement>(null);
  // Seven steps overflow a phone's width: keep the current one in view as the run moves on.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll again when the phase changes
  useEffect(() => {
    const current = list.current?.querySelector<HTMLElement>('.step-current');
    if (!list.current || !current) return;
    list.current.scrollLeft = current.offsetLeft - (list.current.clientWidth - current.offsetWidth) / 2;
  }, [phase]);
  return (
    <div className="timeline-wrap">
      <ol className="timeline" aria-label="Run phase" ref={list}>
        {PATH.map((step, index) => {
          const state = at === -1 ? 'todo' : index < at ? 'done' : index === at ? 'current' : 'todo';
          return (
            <li
              key={step}
              // Deployed is where the path ends well: reached, not in progress.
              className={`timeline-step step-${state}${state === 'current' && step === 'deployed' ? ' step-done' : ''}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="timeline-dot" aria-hidden="true" />
              <span className="timeline-label">{label(step)}</span>
              {state !== 'todo' && entered.has(step) ? (
                <time
                  className="timeline-time"
                  dateTime={entered.get(step)}
                  title={dateTime(entered.get(step))}
                >
                  {timeAgo(entered.get(step))}
                </time>
              ) : null}
            </li>
          );
        })}
      </ol>
      {ended ? (
        <p className={`timeline-end end-${phase}`} role="status">
          This run is {phase}
          {entered.has(phase) ? ` (${timeAgo(entered.get(phase))})` : ''}.
        </p>
      ) : null}
    </div>
  );
}
