import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import {
  api,
  type BoardTask,
  type Finding,
  isRetryable,
  type Job,
  type Page,
  type Stage,
  type Task,
} from '../api.ts';
import { dateTime, label, timeAgo } from '../format.ts';
import { type Resource, useAction, useResource } from '../hooks.ts';
import { taskOutcome } from '../outcome.ts';
import { useCan } from '../session.ts';
import { Badge } from './Badge.tsx';
import { type EventBus, JobLog } from './JobLog.tsx';
import { DecideLink, JobReason, JobStateBadge, jobAgentText } from './JobOutcome.tsx';
import { Empty, ErrorNote, Loading } from './Notice.tsx';
import { StageVerdictForm, TaskEditForm } from './TaskControls.tsx';

// The diff viewer and its grammars load when a task is opened, not with the board.
const TaskReview = lazy(() => import('./TaskReview.tsx').then((module) => ({ default: module.TaskReview })));

import { TaskNotes } from './TaskNotes.tsx';

interface Props {
  /** The task as the board has it: the panel reads the whole task itself, showing this one's title meanwhile. */
  task: BoardTask;
  /** Every stage of the task's run, in order: where an operator may move it. */
  stages: readonly Stage[];
  /** Bumped by the page when an event touches this task, its jobs or its findings: read again then. */
  version: number;
  editable: boolean;
  subscribe: EventBus;
  onClose: () => void;
}

/**
 * Retry is offered where the server would take it: a job that ended without success, of the stage its task
 * is still at, when no other job holds the task (a job cancelled because its task moved on stays history).
 */
function retryable(job: Job, task: Task): boolean {
  const sameStage = job.stage === null || job.stage === task.pipeline_stage;
  return isRetryable(job.state) && sameStage && task.current_job === null;
}

/** A task's details, jobs, findings and the live log of its running (or latest) job. */
export function TaskPanel({ task: shown, onClose, ...shared }: Props) {
  const { version } = shared;
  const heading = useRef<HTMLHeadingElement>(null);
  // The whole task (acceptance, notes, budget, ...): the board holds only what its cards show.
  const whole = useResource(() => api.task(shown.id), [shown.id, version]);
  const jobs = useResource(() => api.jobs({ task_id: shown.id, limit: 50 }), [shown.id, version]);
  const findings = useResource(() => api.findings({ task_id: shown.id, limit: 100 }), [shown.id, version]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: move focus when another task opens
  useEffect(() => {
    heading.current?.focus();
  }, [shown.id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const task = whole.data;
  return (
    <aside className="task-panel" aria-labelledby="task-panel-title">
      <div className="task-panel-head">
        <h2 id="task-panel-title" ref={heading} tabIndex={-1}>
          <span className="muted">#{shown.id}</span> {task?.title ?? shown.title}
        </h2>
        <button type="button" className="icon-button" aria-label="Close task details" onClick={onClose}>
          ×
        </button>
      </div>
      <ErrorNote error={whole.error} />
      {task ? (
        <TaskDetails {...shared} task={task} jobs={jobs} findings={findings} />
      ) : whole.error ? null : (
        <Loading what="the task" />
      )}
    </aside>
  );
}

interface DetailsProps extends Omit<Props, 'task' | 'onClose'> {
  task: Task;
  jobs: Resource<Page<Job>>;
  findings: Resource<Page<Finding>>;
}

function TaskDetails({ task, stages, version, editable, subscribe, jobs, findings }: DetailsProps) {
  const canOperate = useCan('operate') && editable;
  const [picked, setPicked] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const inWorkStage = task.pipeline_stage !== 'none' && task.pipeline_stage !== 'complete';

  const list = jobs.data?.items ?? [];
  // The log to show: the reader's pick, else the running job, else the latest that ran, else the newest.
  const logJob =
    picked ??
    list.find((job) => job.state === 'running')?.id ??
    list.find((job) => job.started_at !== null)?.id ??
    list[0]?.id ??
    null;

  return (
    <>
      <dl className="facts facts-tight">
        <div>
          <dt>Stage</dt>
          <dd>
            <Badge value={task.pipeline_stage} />
            {task.review_state === 'awaiting' ? (
              <>
                {' '}
                <Badge value="awaiting_review" />
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>{task.priority}</dd>
        </div>
        {task.paused ? (
          <div>
            <dt>Paused</dt>
            <dd>its jobs are held until it resumes</dd>
          </div>
        ) : null}
        <div>
          <dt>Loop-backs</dt>
          <dd>{task.loop_backs}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{task.source}</dd>
        </div>
        {task.depends_on.length > 0 ? (
          <div>
            <dt>Depends on</dt>
            <dd>
              {task.depends_on.map((id) => `#${id}`).join(', ')}
              {task.blocked_by.length > 0
                ? ` (waiting for ${task.blocked_by.map((id) => `#${id}`).join(', ')})`
                : ''}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Updated</dt>
          <dd title={dateTime(task.updated_at)}>{timeAgo(task.updated_at)}</dd>
        </div>
      </dl>

      <TaskOutcomeNote task={task} />

      {canOperate ? <SetStage task={task} stages={stages} /> : null}
      {canOperate && inWorkStage ? <StageVerdictForm key={task.pipeline_stage} task={task} /> : null}
      {canOperate ? <PauseTask task={task} /> : null}

      {editing ? (
        <TaskEditForm task={task} onDone={() => setEditing(false)} />
      ) : (
        <>
          {canOperate ? (
            <button type="button" className="button-small" onClick={() => setEditing(true)}>
              Edit task
            </button>
          ) : null}
          {task.description ? <p className="prewrap">{task.description}</p> : null}
          {task.acceptance.length > 0 ? (
            <>
              <h3>Acceptance</h3>
              <ul className="bullets">
                {task.acceptance.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}

      <Suspense fallback={<p className="muted small">Loading the changes…</p>}>
        <TaskReview task={task} version={version} canOperate={canOperate} />
      </Suspense>

      <h3>Notes</h3>
      {task.notes ? <pre className="notes">{task.notes}</pre> : <Empty>No notes yet.</Empty>}

      <TaskNotes taskId={task.id} version={version} canWrite={canOperate} />

      <h3>Jobs</h3>
      <ErrorNote error={jobs.error ?? action.error} />
      {jobs.data && list.length === 0 ? <Empty>No jobs for this task yet.</Empty> : null}
      <ul className="job-list">
        {list.map((job) => (
          <li key={job.id} className={job.id === logJob ? 'job-row is-current' : 'job-row'}>
            <div className="job-row-main">
              <JobStateBadge job={job} />
              <span>
                #{job.id} {job.stage ? label(job.stage) : job.kind} · {job.role}
              </span>
              <span className="muted small">
                {jobAgentText(job)} · attempt {job.attempt}/{job.max_attempts}
              </span>
            </div>
            <JobReason job={job} />
            <div className="button-row">
              <button
                type="button"
                className="button-small"
                aria-pressed={job.id === logJob}
                onClick={() => setPicked(job.id)}
              >
                Show log
              </button>
              {canOperate && job.state === 'running' ? (
                <button
                  type="button"
                  className="button-small button-danger"
                  disabled={action.busy}
                  onClick={() => action.run(() => api.cancelJob(job.id)).then(() => jobs.reload())}
                >
                  Stop
                </button>
              ) : null}
              {canOperate && retryable(job, task) ? (
                <button
                  type="button"
                  className="button-small"
                  disabled={action.busy}
                  onClick={() => action.run(() => api.retryJob(job.id)).then(() => jobs.reload())}
                >
                  Retry
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>

      {logJob !== null ? (
        <>
          <h3>Log of job #{logJob}</h3>
          <JobLog jobId={logJob} subscribe={subscribe} />
        </>
      ) : null}

      <h3>Findings</h3>
      <ErrorNote error={findings.error} />
      {findings.data && findings.data.items.length === 0 ? <Empty>No findings.</Empty> : null}
      <ul className="finding-list">
        {findings.data?.items.map((finding) => (
          <li key={finding.id} className="finding">
            <div className="finding-head">
              <Badge value={finding.severity} />
              <span className="muted small">
                {finding.source} · {label(finding.status)}
              </span>
            </div>
            <p>{finding.issue}</p>
            {finding.file ? (
              <code className="small">
                {finding.file}
                {finding.line !== null ? `:${finding.line}` : ''}
              </code>
            ) : null}
            {finding.recommendation ? <p className="small muted">{finding.recommendation}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** How the task stands, in one line, with the way to the escalation's decision when one holds it. */
function TaskOutcomeNote({ task }: { task: Task }) {
  const outcome = taskOutcome(task);
  return (
    <div className={`outcome-note tone-${outcome.tone}`} data-testid="task-panel-outcome">
      <p>
        <strong>{outcome.text}</strong>
        {outcome.reason ? <span className="outcome-reason">{outcome.reason}</span> : null}
      </p>
      {outcome.approvalId !== null ? <DecideLink approvalId={outcome.approvalId} /> : null}
    </div>
  );
}

function SetStage({ task, stages }: { task: Task; stages: readonly Stage[] }) {
  const [stage, setStage] = useState<Stage>(task.pipeline_stage);
  const action = useAction();
  useEffect(() => setStage(task.pipeline_stage), [task.pipeline_stage]);
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        action.run(() => api.setStage(task.id, stage, task.version));
      }}
    >
      <label className="field field-inline">
        <span>Move to stage</span>
        <select value={stage} onChange={(e) => setStage(e.target.value as Stage)}>
          {stages.map((value) => (
            <option key={value} value={value}>
              {value === 'none' ? 'waiting (none)' : value}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={action.busy || stage === task.pipeline_stage}>
        Set stage
      </button>
      <ErrorNote error={action.error} />
    </form>
  );
}

/** Pausing one task holds its jobs (not lost: resuming queues them again); the rest of the run goes on. */
function PauseTask({ task }: { task: Task }) {
  const action = useAction();
  return (
    <div className="button-row">
      <button
        type="button"
        disabled={action.busy}
        onClick={() => action.run(() => (task.paused ? api.resumeTask(task.id) : api.pauseTask(task.id)))}
      >
        {task.paused ? 'Resume task' : 'Pause task'}
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}
