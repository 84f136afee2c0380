import { type FormEvent, useState } from 'react';
import { api, ROLE_NAMES, type RoleName, type Run } from '../api.ts';
import { plural } from '../format.ts';
import { useAction } from '../hooks.ts';
import { useCan } from '../session.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './Notice.tsx';

/** The operator's controls for a live run: trigger work, pause or resume, add a task, kill; an admin's Director review. */
export function RunActions({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const [role, setRole] = useState<RoleName | ''>('');
  const [iterations, setIterations] = useState(20);
  const [dialog, setDialog] = useState<'kill' | 'task' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();
  const isAdmin = useCan('admin');
  // A run ready for commit (its deploy rejected, say) takes more tasks too: it builds again.
  const acceptsTasks =
    run.phase === 'planning' || run.phase === 'building' || run.phase === 'ready_for_commit';

  const go = async (work: () => Promise<string>) => {
    setMessage(null);
    const text = await action.run(work);
    if (text) setMessage(text);
    onChanged();
  };

  return (
    <div className="run-actions">
      <div className="action-groups">
        <form
          className="action-group"
          onSubmit={(event) => {
            event.preventDefault();
            go(async () => {
              const result = await api.triggerAgent(run.id, role || undefined);
              return `Released ${plural(result.released_job_ids.length, 'held job')}.`;
            });
          }}
        >
          <label className="field field-inline">
            <span>Role</span>
            <select value={role} onChange={(e) => setRole(e.target.value as RoleName | '')}>
              <option value="">any</option>
              {ROLE_NAMES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={action.busy}>
            Trigger agent
          </button>
        </form>
        <form
          className="action-group"
          onSubmit={(event) => {
            event.preventDefault();
            go(async () => {
              const result = await api.triggerPipeline(run.id, iterations);
              return `Pipeline on for ${plural(iterations, 'step')}; released ${plural(result.released_job_ids.length, 'job')}.`;
            });
          }}
        >
          <label className="field field-inline">
            <span>Max iterations</span>
            <input
              type="number"
              min={1}
              max={1000}
              value={iterations}
              onChange={(e) => setIterations(Math.max(1, Math.min(1000, Number(e.target.value) || 1)))}
              className="input-narrow"
            />
          </label>
          <button type="submit" disabled={action.busy}>
            Trigger pipeline
          </button>
        </form>
        <div className="action-group">
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              go(async () => {
                await (run.paused ? api.resumeRun(run.id) : api.pauseRun(run.id));
                return run.paused ? 'Run resumed.' : 'Run paused: nothing new starts until you resume.';
              })
            }
          >
            {run.paused ? 'Resume' : 'Pause'}
          </button>
          {isAdmin ? (
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                go(async () => {
                  const { job, created } = await api.reviewRun(run.id);
                  return created
                    ? `Director review queued (job #${job.id}): its interventions appear as it finishes.`
                    : `A Director review is already ${job.state} (job #${job.id}).`;
                })
              }
            >
              Director review
            </button>
          ) : null}
          {acceptsTasks ? (
            <button type="button" onClick={() => setDialog('task')}>
              Add task
            </button>
          ) : null}
          <button type="button" className="button-danger" onClick={() => setDialog('kill')}>
            Kill run
          </button>
        </div>
      </div>
      <ErrorNote error={action.error} />
      {message ? (
        <p className="note note-ok" role="status">
          {message}
        </p>
      ) : null}

      <Dialog open={dialog === 'kill'} title={`Kill run #${run.id}?`} onClose={() => setDialog(null)}>
        <KillConfirm
          run={run}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
          onCancel={() => setDialog(null)}
        />
      </Dialog>
      <Dialog open={dialog === 'task'} title="Add a task" onClose={() => setDialog(null)}>
        <AddTaskForm
          runId={run.id}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
        />
      </Dialog>
    </div>
  );
}

function KillConfirm({ run, onDone, onCancel }: { run: Run; onDone: () => void; onCancel: () => void }) {
  const action = useAction();
  return (
    <div className="stack">
      <p>
        Killing <strong>{run.goal}</strong> cancels its open jobs and hides it from the run lists. It cannot
        be undone.
      </p>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="button-danger"
          disabled={action.busy}
          onClick={async () => {
            if (await action.run(() => api.killRun(run.id))) onDone();
          }}
        >
          {action.busy ? 'Killing…' : 'Kill run'}
        </button>
      </div>
    </div>
  );
}

function AddTaskForm({ runId, onDone }: { runId: number; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState(5);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const task = await action.run(() =>
      api.createTask({
        run_id: runId,
        title: title.trim(),
        description: description.trim() || undefined,
        priority,
      }),
    );
    if (task) onDone();
  };
  return (
    <form className="stack" onSubmit={submit}>
      <label className="field">
        <span>Title</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} />
      </label>
      <label className="field">
        <span>Priority (1–10)</span>
        <input
          type="number"
          min={1}
          max={10}
          value={priority}
          onChange={(e) => setPriority(Math.max(1, Math.min(10, Number(e.target.value) || 5)))}
          className="input-narrow"
        />
      </label>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={action.busy || !title.trim()}>
          {action.busy ? 'Adding…' : 'Add task'}
        </button>
      </div>
    </form>
  );
}
