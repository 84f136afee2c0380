import type { TaskProgress } from '../api.ts';

/** A run's progress: the share of complete tasks, with the rest split by the stage they are in. */
export function ProgressBar({ progress }: { progress: TaskProgress }) {
  const total = progress.total;
  const text =
    total === 0 ? 'no tasks yet' : `${progress.complete} of ${total} tasks complete (${progress.percent}%)`;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.percent}
        aria-valuetext={text}
      >
        {total > 0
          ? // The counts come in the run's pipeline order; the furthest stage first fills the bar from the left.
            Object.keys(progress.by_stage)
              .reverse()
              .map((stage) => {
                const count = progress.by_stage[stage] ?? 0;
                if (count === 0) return null;
                return (
                  <span
                    key={stage}
                    className={`progress-seg seg-${stage}`}
                    style={{ width: `${(count / total) * 100}%` }}
                    title={`${stage}: ${count}`}
                  />
                );
              })
          : null}
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}
