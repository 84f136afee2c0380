import { useState } from 'react';
import { Link } from 'react-router';
import { api, RUN_PHASES, type RunPhase } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { Pager } from '../components/Pager.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { StartRunForm } from '../components/StartRunForm.tsx';
import { costText, label, timeAgo, usageText } from '../format.ts';
import { useResource, useTitle, useUrlFilters } from '../hooks.ts';
import { affectsProgress, useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

const LIMIT = 20;

export function Runs() {
  useTitle('Runs');
  const canOperate = useCan('operate');
  const [params, update] = useUrlFilters();
  const [starting, setStarting] = useState(false);
  const projectId = Number(params.get('project')) || undefined;
  const phaseParam = params.get('phase');
  const phase = RUN_PHASES.includes(phaseParam as RunPhase) ? (phaseParam as RunPhase) : undefined;
  const includeKilled = params.get('killed') === '1';
  const offset = Math.max(0, Number(params.get('offset')) || 0);

  const refreshRuns = useDebounced(() => runs.reload());
  const refreshProjects = useDebounced(() => projects.reload());
  const ready = useLive({ project_id: projectId }, (event) => {
    if (affectsProgress(event.type)) refreshRuns();
    if (event.type.startsWith('project.')) refreshProjects();
  });
  const projects = useResource(() => api.projects(), [], ready);
  const runs = useResource(
    () => api.runs({ project_id: projectId, phase, include_killed: includeKilled, limit: LIMIT, offset }),
    [projectId, phase, includeKilled, offset],
    ready,
  );
  const names = new Map((projects.data?.items ?? []).map((p) => [p.id, p.name]));

  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Runs</h1>
        {canOperate ? (
          <button type="button" className="button-primary" onClick={() => setStarting(true)}>
            Start a run
          </button>
        ) : null}
      </div>

      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label className="field field-inline">
          <span>Project</span>
          <select value={projectId ?? ''} onChange={(e) => update({ project: e.target.value })}>
            <option value="">All projects</option>
            {projects.data?.items.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span>Phase</span>
          <select value={phase ?? ''} onChange={(e) => update({ phase: e.target.value })}>
            <option value="">Any phase</option>
            {RUN_PHASES.map((value) => (
              <option key={value} value={value}>
                {label(value)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={includeKilled}
            onChange={(e) => update({ killed: e.target.checked ? '1' : null })}
          />
          <span>Include killed runs</span>
        </label>
      </form>

      <section className="panel" aria-label="Runs">
        <ErrorNote error={runs.error} />
        {!runs.data && !runs.error ? <Loading what="runs" /> : null}
        {runs.data && runs.data.items.length === 0 ? (
          <Empty>
            {projectId || phase ? 'No runs match these filters.' : 'No runs yet.'}
            {canOperate && !projectId && !phase ? ' Start one with “Start a run”.' : ''}
          </Empty>
        ) : null}
        {runs.data && runs.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-stacked runs-table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Project</th>
                  <th scope="col">Phase</th>
                  <th scope="col" className="col-progress">
                    Progress
                  </th>
                  <th scope="col">Cost</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => (
                  <tr key={run.id} className={run.killed_at ? 'row-dim' : undefined}>
                    <td>
                      <Link to={`/run/${run.id}/`} className="run-title">
                        #{run.id} {run.goal}
                      </Link>
                    </td>
                    <td className="runs-project">{names.get(run.project_id) ?? `#${run.project_id}`}</td>
                    <td>
                      <span className="run-badges">
                        <Badge value={run.phase} />
                        {run.paused ? <Badge value="paused" /> : null}
                      </span>
                    </td>
                    <td className="col-progress">
                      <ProgressBar progress={run.progress} />
                    </td>
                    <td className="nowrap" title={usageText(run.usage)}>
                      {costText(run.usage)}
                    </td>
                    <td className="muted nowrap">{timeAgo(run.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {runs.data ? (
          <Pager
            label="Runs"
            total={runs.data.total}
            limit={LIMIT}
            offset={offset}
            onChange={(next) => update({ offset: next ? String(next) : null })}
          />
        ) : null}
      </section>

      <Dialog open={starting} title="Start a run" onClose={() => setStarting(false)} wide>
        <StartRunForm projects={projects.data?.items ?? []} defaultProject={projectId} />
      </Dialog>
    </div>
  );
}
