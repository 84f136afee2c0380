import { useState } from 'react';
import { api, type Task } from '../api.ts';
import { useAction } from '../hooks.ts';
import { ErrorNote } from './Notice.tsx';

/** Edit a task's title, description, priority and acceptance; a stale edit is refused (the version). */
export function TaskEditForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState(task.priority);
  const [acceptance, setAcceptance] = useState(task.acceptance.join('\n'));
  const action = useAction();
  return (
    <form
      className="task-edit"
      aria-label="Edit task"
      onSubmit={(event) => {
        event.preventDefault();
        action
          .run(() =>
            api.updateTask(task.id, {
              title: title.trim(),
              description,
              priority,
              acceptance: acceptance
                .split('\n')
                .map((line) => line.trim())
                .filter(Boolean),
              version: task.version,
            }),
          )
          .then((saved) => saved && onDone());
      }}
    >
      <label className="field">
        <span>Title</span>
        <input required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field field-inline">
        <span>Priority (1–10)</span>
        <input
          type="number"
          min={1}
          max={10}
          required
          value={priority}
          onChange={(e) => setPriority(Number(e.target.value))}
        />
      </label>
      <label className="field">
        <span>Acceptance (one criterion a line)</span>
        <textarea rows={3} value={acceptance} onChange={(e) => setAcceptance(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="submit" className="button-primary" disabled={action.busy || !title.trim()}>
          Save task
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}

/**
 * A person's verdict on the task's current stage, with a note: pass moves it on, fail sends it back to dev
 * and counts a loop-back (the seed's advance-stage). Keyed by the stage where it is used: a new stage starts
 * with an empty note.
 */
export function StageVerdictForm({ task }: { task: Task }) {
  const [notes, setNotes] = useState('');
  const action = useAction();
  const decide = (result: 'pass' | 'fail') =>
    action.run(() => api.advanceStage(task.id, result, notes.trim(), task.version));
  return (
    <form className="stage-verdict" aria-label="Pass or fail the stage" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span>Note for the {task.pipeline_stage} verdict</span>
        <input value={notes} maxLength={20_000} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="button" disabled={action.busy} onClick={() => decide('pass')}>
          Pass {task.pipeline_stage}
        </button>
        <button type="button" className="button-danger" disabled={action.busy} onClick={() => decide('fail')}>
          Fail to dev
        </button>
      </div>
      <ErrorNote error={action.error} />
    </form>
  );
}
