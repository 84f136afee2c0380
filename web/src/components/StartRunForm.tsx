import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type Project } from '../api.ts';
import { useAction } from '../hooks.ts';
import { ErrorNote } from './Notice.tsx';

/** Start a run: a goal for a project; the PM plans it unless planning is skipped (add tasks by hand). */
export function StartRunForm({ projects, defaultProject }: { projects: Project[]; defaultProject?: number }) {
  const navigate = useNavigate();
  const [projectId, setProjectId] = useState<number | ''>(defaultProject ?? projects[0]?.id ?? '');
  const [goal, setGoal] = useState('');
  const [skipPlanning, setSkipPlanning] = useState(false);
  const action = useAction();

  if (projects.length === 0) return <p className="empty">Create a project first, then start a run for it.</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (projectId === '') return;
    const run = await action.run(() =>
      api.createRun({ project_id: projectId, goal: goal.trim(), skip_planning: skipPlanning }),
    );
    if (run) navigate(`/run/${run.id}/`);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-grid">
        <label className="field">
          <span>Project</span>
          <select value={projectId} onChange={(e) => setProjectId(Number(e.target.value))} required>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field span-2">
          <span>Goal</span>
          <textarea
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            required
            rows={3}
            maxLength={20000}
            placeholder="What should this run achieve? e.g. Add a /health endpoint that returns 200"
          />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={skipPlanning} onChange={(e) => setSkipPlanning(e.target.checked)} />
        <span>Skip planning (start building at once; add the tasks yourself)</span>
      </label>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={action.busy || !goal.trim()}>
          {action.busy ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
