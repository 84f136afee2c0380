import { useState } from 'react';
import { Link } from 'react-router';
import { api, type Project, type ProjectInput } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ProjectForm } from '../components/ProjectForm.tsx';
import { timeAgo } from '../format.ts';
import { useAction, useResource, useTitle } from '../hooks.ts';
import { useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

export function Projects() {
  useTitle('Projects');
  const canOperate = useCan('operate');
  const [editing, setEditing] = useState<Project | 'new' | null>(null);
  const [runsVersion, setRunsVersion] = useState(0);
  const save = useAction();

  const refreshProjects = useDebounced(() => projects.reload());
  const refreshRuns = useDebounced(() => setRunsVersion((v) => v + 1));
  const ready = useLive({}, (event) => {
    if (event.type.startsWith('project.')) refreshProjects();
    if (event.type.startsWith('run.') || event.type.startsWith('task.stage')) refreshRuns();
  });
  const projects = useResource(() => api.projects(), [], ready);

  const submit = async (input: ProjectInput) => {
    const saved = await save.run(() =>
      editing === 'new' || editing === null ? api.createProject(input) : api.updateProject(editing.id, input),
    );
    if (saved) {
      setEditing(null);
      projects.reload();
    }
  };

  const list = projects.data?.items ?? [];
  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Projects</h1>
        {canOperate ? (
          <button
            type="button"
            className="button-primary"
            onClick={() => {
              save.clear();
              setEditing('new');
            }}
          >
            New project
          </button>
        ) : null}
      </div>
      <ErrorNote error={projects.error} />
      {!projects.data && !projects.error ? <Loading what="projects" /> : null}
      {projects.data && list.length === 0 ? (
        <Empty>
          No projects yet.{' '}
          {canOperate ? 'Add one with “New project”: a git repository and its test command.' : ''}
        </Empty>
      ) : null}
      <ul className="card-list">
        {list.map((project) => (
          <ProjectCard
            key={project.id}
            project={project}
            runsVersion={runsVersion}
            onEdit={
              canOperate
                ? () => {
                    save.clear();
                    setEditing(project);
                  }
                : null
            }
          />
        ))}
      </ul>
      <Dialog
        open={editing !== null}
        title={editing === 'new' ? 'New project' : `Edit ${editing?.name ?? 'project'}`}
        onClose={() => setEditing(null)}
        wide
      >
        <ProjectForm
          initial={editing && editing !== 'new' ? editing : undefined}
          busy={save.busy}
          error={save.error}
          onSubmit={submit}
          submitLabel={editing === 'new' ? 'Create project' : 'Save changes'}
        />
      </Dialog>
    </div>
  );
}

function ProjectCard({
  project,
  runsVersion,
  onEdit,
}: {
  project: Project;
  runsVersion: number;
  onEdit: (() => void) | null;
}) {
  const [showRuns, setShowRuns] = useState(false);
  const commands = [
    ['test', project.test_command],
    ['lint', project.lint_command],
    ['build', project.build_command],
    ['deploy', project.deploy_command],
  ] as const;
  return (
    <li className="panel project-card">
      <div className="panel-head">
        <h2>{project.name}</h2>
        <div className="button-row">
          <button
            type="button"
            aria-expanded={showRuns}
            aria-controls={`runs-of-${project.id}`}
            onClick={() => setShowRuns((v) => !v)}
          >
            {showRuns ? 'Hide runs' : 'Show runs'}
          </button>
          {onEdit ? (
            <button type="button" onClick={onEdit} aria-label={`Edit ${project.name}`}>
              Edit
            </button>
          ) : null}
        </div>
      </div>
      <dl className="facts facts-project">
        <div>
          <dt>Repository</dt>
          <dd>
            <code className="break">{project.repository}</code>
          </dd>
        </div>
        <div>
          <dt>Branch</dt>
          <dd>
            <code>{project.default_branch}</code>
          </dd>
        </div>
        {commands.map(([name, command]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              {command ? <code className="break">{command}</code> : <span className="muted">not set</span>}
            </dd>
          </div>
        ))}
      </dl>
      {showRuns ? <ProjectRuns projectId={project.id} version={runsVersion} /> : null}
    </li>
  );
}

function ProjectRuns({ projectId, version }: { projectId: number; version: number }) {
  const runs = useResource(
    () => api.runs({ project_id: projectId, limit: 10, offset: 0 }),
    [projectId, version],
  );
  return (
    <div id={`runs-of-${projectId}`} className="project-runs">
      <h3>Runs</h3>
      <ErrorNote error={runs.error} />
      {runs.data && runs.data.items.length === 0 ? <Empty>No runs for this project yet.</Empty> : null}
      <ul className="run-list">
        {runs.data?.items.map((run) => (
          <li key={run.id} className="run-item">
            <div className="run-item-head">
              <Link to={`/run/${run.id}/`} className="run-title">
                #{run.id} {run.goal}
              </Link>
              <span className="run-badges">
                <span className="muted small">{timeAgo(run.created_at)}</span>
                <Badge value={run.phase} />
              </span>
            </div>
            <ProgressBar progress={run.progress} />
          </li>
        ))}
      </ul>
      {runs.data && runs.data.total > runs.data.items.length ? (
        <Link to={`/runs/?project=${projectId}`}>All {runs.data.total} runs of this project</Link>
      ) : null}
    </div>
  );
}
