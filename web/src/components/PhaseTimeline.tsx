import type { RunPhase } from '../api.ts';
import { label } from '../format.ts';

const PATH: RunPhase[] = [
  'planning',
  'building',
  'testing',
  'ready_for_commit',
  'awaiting_approval',
  'deploying',
  'deployed',
];

/** The run's phase on the path planning -> deployed; failed and killed runs are marked as such. */
export function PhaseTimeline({ phase }: { phase: RunPhase }) {
  const at = PATH.indexOf(phase);
  const ended = phase === 'failed' || phase === 'killed';
  return (
    <div className="timeline-wrap">
      <ol className="timeline" aria-label="Run phase">
        {PATH.map((step, index) => {
          const state = at === -1 ? 'todo' : index < at ? 'done' : index === at ? 'current' : 'todo';
          return (
            <li
              key={step}
              className={`timeline-step step-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="timeline-dot" aria-hidden="true" />
              <span className="timeline-label">{label(step)}</span>
            </li>
          );
        })}
      </ol>
      {ended ? (
        <p className={`timeline-end end-${phase}`} role="status">
          This run is {phase}.
        </p>
      ) : null}
    </div>
  );
}
