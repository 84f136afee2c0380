/**
 * The board keeps each task as the board answers it. A task read whole (a live refresh reads one task's
 * full view) is cut down to the same fields, so the board's tasks are all alike and hold no more than a
 * card shows.
 */
import type { BoardJob, BoardTask, Job, Task } from './api.ts';

function boardJob(job: Job | null): BoardJob | null {
  if (!job) return null;
  const { id, kind, stage, role, state, held_by_pause, attempt, backend, last_error, verdict } = job;
  return { id, kind, stage, role, state, held_by_pause, attempt, backend, last_error, verdict };
}

export function boardTaskOf(task: Task): BoardTask {
  const { id, title, description, priority, pipeline_stage, loop_backs, review_state, paused } = task;
  return {
    id,
    title,
    description,
    priority,
    pipeline_stage,
    loop_backs,
    review_state,
    paused,
    blocked_by: task.blocked_by,
    current_job: boardJob(task.current_job),
    last_finished_job: boardJob(task.last_finished_job),
    escalation_id: task.escalation_id,
  };
}
