import { RUN_PHASES, type RunPhase } from '../api.ts';
import { label } from '../format.ts';

/** Every phase but the two ends off the path, failed and killed. */
const PATH: RunPhase[] = RUN_PHASES.filter((phase) => phase !== 'failed' && phase !== 'killed');

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
