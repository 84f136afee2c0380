import { Link } from 'react-router';
import { api, JOB_STATES, type Job, type JobState, ROLE_NAMES } from '../api.ts';
import { InlineSelect, pick } from '../components/InlineSelect.tsx';
import { JobReason, JobStateBadge, jobAgentText } from '../components/JobOutcome.tsx';
import { Empty, ErrorNote, Loading } from '../components/Notice.tsx';
import { Pager } from '../components/Pager.tsx';
import { dateTime, label, timeAgo } from '../format.ts';
import { useAction, useResource, useTitle, useUrlFilters } from '../hooks.ts';
import { useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';

const LIMIT = 50;
/** Generic jobs (health checks, extensions) run as `system`. */
const ROLES = [...ROLE_NAMES, 'system'] as const;

/** A failed or dead job may be queued again; a cancelled one was stopped on purpose (or its task moved on). */
function canRetry(job: Job): boolean {
  return job.state === 'failed' || job.state === 'dead';
}

/** Every job, newest first, filtered by state, run, role and backend (all kept in the URL). */
export function Jobs() {
  useTitle('Jobs');
  const canOperate = useCan('operate');
  const [params, update] = useUrlFilters();
  const state = pick<JobState>(params.get('state'), JOB_STATES);
  const role = pick(params.get('role'), ROLES);
  const runId = Number(params.get('run')) || undefined;
  const backend = params.get('backend') ?? '';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const action = useAction();

  const refresh = useDebounced(() => jobs.reload());
  const ready = useLive(runId ? { run_id: runId } : {}, (event) => {
    if (event.type.startsWith('job.') && event.type !== 'job.output') refresh();
  });
  const jobs = useResource(
    () =>
      api.jobs({
        state,
        run_id: runId,
        role: role || undefined,
        backend: backend || undefined,
        limit: LIMIT,
        offset,
      }),
    [state, runId, role, backend, offset],
    ready,
  );

  return (
    <div className="stack-lg">
      <div className="page-head">
        <h1>Jobs</h1>
      </div>
      <form className="filters" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
        <InlineSelect
          caption="State"
          value={state}
          options={JOB_STATES}
          any
          text={label}
          onChange={(value) => update({ state: value })}
        />
        <InlineSelect
          caption="Role"
          value={role}
          options={ROLES}
          any
          onChange={(value) => update({ role: value })}
        />
        <label className="field field-inline">
          <span>Run</span>
          <input
            type="number"
            min={1}
            className="input-narrow"
            value={runId ?? ''}
            onChange={(event) => update({ run: event.target.value })}
          />
        </label>
        <label className="field field-inline">
          <span>Backend</span>
          <input
            list="job-backends"
            className="input-backend"
            value={backend}
            onChange={(event) => update({ backend: event.target.value.trim() })}
          />
          <datalist id="job-backends">
            {['claude', 'codex', 'gemini', 'goose', 'opencode', 'command', 'scripted'].map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
      </form>
      <ErrorNote error={jobs.error ?? action.error} />
      {!jobs.data && !jobs.error ? <Loading what="jobs" /> : null}
      {jobs.data && jobs.data.items.length === 0 ? <Empty>No jobs match these filters.</Empty> : null}
      {jobs.data && jobs.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-stacked jobs-table">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Work</th>
                <th scope="col">Agent</th>
                <th scope="col">Outcome</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <td>#{job.id}</td>
                  <td>
                    <JobStateBadge job={job} />
                  </td>
                  <td>
                    <Link to={`/run/${job.run_id}/`}>run #{job.run_id}</Link>
                    {job.task_id ? (
                      <>
                        {' · '}
                        <Link to={`/run/${job.run_id}/?task=${job.task_id}`}>task #{job.task_id}</Link>
                      </>
                    ) : null}
                    <span className="muted small block">
                      {job.stage ? label(job.stage) : label(job.kind)} · {job.role}
                    </span>
                  </td>
                  <td className="small">
                    {jobAgentText(job)}
                    <span className="muted block">
                      attempt {job.attempt}/{job.max_attempts}
                    </span>
                  </td>
                  <td className="jobs-outcome">
                    <JobReason job={job} />
                  </td>
                  <td className="small" title={dateTime(job.updated_at)}>
                    {timeAgo(job.updated_at)}
                  </td>
                  <td>
                    {canOperate && canRetry(job) ? (
                      <button
                        type="button"
                        className="button-small"
                        disabled={action.busy}
                        onClick={() => action.run(() => api.retryJob(job.id)).then(() => jobs.reload())}
                      >
                        Retry<span className="visually-hidden"> job #{job.id}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {jobs.data ? (
        <Pager
          label="Jobs"
          total={jobs.data.total}
          limit={LIMIT}
          offset={offset}
          onChange={(next) => update({ offset: String(next) })}
        />
      ) : null}
    </div>
  );
}
