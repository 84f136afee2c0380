import { memo } from 'react';
import type { BoardTask } from '../api.ts';
import { taskOutcome } from '../outcome.ts';
import { Badge } from './Badge.tsx';

interface Props {
  task: BoardTask;
  selected: boolean;
  onSelect: (id: number) => void;
}

/**
 * One task on the board. Memoized: a card re-renders only when its own task object (replaced by the page
 * when that task changes) or its selection changes, so a board of 1,000 cards stays quick on each event.
 */
export const TaskCard = memo(function TaskCard({ task, selected, onSelect }: Props) {
  const outcome = taskOutcome(task);
  return (
    <li className="card-slot">
      <button
        type="button"
        className={selected ? 'task-card is-selected' : 'task-card'}
        aria-pressed={selected}
        data-task-id={task.id}
        onClick={() => onSelect(task.id)}
      >
        <span className="task-card-title">{task.title}</span>
        <span className="task-card-meta">
          <span className="muted">#{task.id}</span>
          <span className={`prio prio-${task.priority >= 8 ? 'high' : task.priority >= 5 ? 'mid' : 'low'}`}>
            P{task.priority}
          </span>
          {task.loop_backs > 0 ? (
            <span className="loops" title={`${task.loop_backs} loop-backs to dev`}>
              ↺ {task.loop_backs}
            </span>
          ) : null}
          {task.paused ? <Badge value="paused" /> : null}
        </span>
        {task.review_state === 'awaiting' ? (
          <span className="task-card-job">
            <Badge value="awaiting_review" title="Merges once a person accepts its change" />
          </span>
        ) : (
          <span className={`task-outcome tone-${outcome.tone}`} data-testid="task-outcome">
            <span className="task-outcome-text">{outcome.text}</span>
            {outcome.reason ? <span className="task-outcome-reason">{outcome.reason}</span> : null}
          </span>
        )}
      </button>
    </li>
  );
});
