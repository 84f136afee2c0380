import { useState } from 'react';
import { api } from '../api.ts';
import { dateTime, timeAgo } from '../format.ts';
import { useAction, useResource } from '../hooks.ts';
import { Empty, ErrorNote } from './Notice.tsx';

interface Props {
  taskId: number;
  /** Bumped by the page when an event touches the task. */
  version: number;
  canWrite: boolean;
}

/**
 * Course-correct notes: what a person or the Director told the task's next agent, whether a job's prompt
 * carried it yet, and (for an operator) a form to leave one.
 */
export function TaskNotes({ taskId, version, canWrite }: Props) {
  const notes = useResource(() => api.taskNotes(taskId), [taskId, version]);
  const [body, setBody] = useState('');
  const action = useAction();
  const items = notes.data?.items ?? [];
  return (
    <section aria-labelledby={`task-notes-${taskId}`}>
      <h3 id={`task-notes-${taskId}`}>Notes for the next agent</h3>
      <ErrorNote error={notes.error} />
      {notes.data && items.length === 0 ? <Empty>No notes for its agents.</Empty> : null}
      <ul className="finding-list">
        {items.map((note) => (
          <li key={note.id} className="finding">
            <div className="finding-head">
              <span className="small">{note.source === 'director' ? 'Director' : note.author}</span>
              <span className="muted small" title={dateTime(note.created_at)}>
                {timeAgo(note.created_at)} ·{' '}
                {note.delivered_job_id === null
                  ? 'waiting for the next job'
                  : `carried by job #${note.delivered_job_id}`}
              </span>
            </div>
            <p className="prewrap">{note.body}</p>
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            action
              .run(() => api.addTaskNote(taskId, body))
              .then((added) => {
                if (!added) return;
                setBody('');
                notes.reload();
              });
          }}
        >
          <label className="field">
            <span>A word to the next agent</span>
            <textarea
              value={body}
              maxLength={4000}
              rows={3}
              onChange={(event) => setBody(event.target.value)}
            />
          </label>
          <button type="submit" disabled={action.busy || body.trim() === ''}>
            Leave note
          </button>
          <ErrorNote error={action.error} />
        </form>
      ) : null}
    </section>
  );
}
