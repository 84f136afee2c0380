import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { runWorkStages } from '../../../src/domain/pipeline.ts';
import { isTerminalPhase } from '../../../src/domain/run-phases.ts';
import { stagesOf } from '../../../src/domain/stages.ts';
import { api, type BoardTask, errorText, type WhEvent } from '../api.ts';
import { boardTaskOf } from '../board-task.ts';
import { appliedBudget } from '../budget.ts';
import { Badge } from '../components/Badge.tsx';
import { Board } from '../components/Board.tsx';
import { BudgetBar } from '../components/BudgetBar.tsx';
import type { EventBus } from '../components/JobLog.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { PhaseTimeline } from '../components/PhaseTimeline.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { RunActions } from '../components/RunActions.tsx';
import { RunBranchesSection } from '../components/RunBranches.tsx';
import { RunInterventions } from '../components/RunInterventions.tsx';
import { RunRelease } from '../components/RunRelease.tsx';
import { RunSituation } from '../components/RunSituation.tsx';
import { TaskPanel } from '../components/TaskPanel.tsx';
import { dateTime, timeAgo, usageText } from '../format.ts';
import { useResource, useTitle } from '../hooks.ts';
import { affectsProgress, endsAttempt, useDebounced, useLive } from '../live.ts';
import { useCan } from '../session.ts';
import { phaseJobKind } from '../situation.ts';

/**
 * Events that may pause or resume the run (and hold or release its jobs) without a `run.*` event of their
 * own: the Director's budget pause, an LLM review's pause or escalation, and a budget approval that raises
 * the budget and resumes the run.
 */
const PAUSES_OR_RESUMES = new Set(['director.intervened', 'director.reviewed', 'approval.decided']);
/** Run events that change many tasks' jobs at once: read every task again. */
const BULK = new Set([
  'run.killed',
  'run.paused',
  'run.resumed',
  'run.planned',
  'run.agent_triggered',
  'run.pipeline_triggered',
  ...PAUSES_OR_RESUMES,
]);
const ALL = -1;
/** More changed tasks than this in one debounce window: one full read is cheaper than many small ones. */
const FULL_READ_OVER = 25;

export function RunBoard() {
  const runId = Number(useParams().id);
  useTitle(`Run #${runId}`);
  const canOperate = useCan('operate');
  const [params, setParams] = useSearchParams();
  const selectedId = Number(params.get('task')) || null;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  // The board's tasks: what a card shows of each (the panel reads the whole of the one it opens).
  const [tasks, setTasks] = useState<Map<number, BoardTask> | null>(null);
  const [tasksError, setTasksError] = useState<string | null>(null);
  const [detailVersion, setDetailVersion] = useState(0);
  const listeners = useRef(new Set<(event: WhEvent) => void>());
  const subscribe: EventBus = useCallback((listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const loadAll = useCallback(() => {
    api.board(runId).then(
      (list) => {
        setTasks(new Map(list.map((task) => [task.id, task])));
        setTasksError(null);
      },
      (error: unknown) => setTasksError(errorText(error)),
    );
  }, [runId]);

  const refreshTasks = useDebounced<number>((ids) => {
    if (ids.has(ALL) || ids.size > FULL_READ_OVER) {
      loadAll();
      return;
    }
    Promise.all([...ids].map((id) => api.task(id).catch(() => null))).then((fresh) =>
      setTasks((current) => {
        const next = new Map(current ?? []);
        for (const task of fresh) if (task && task.run_id === runId) next.set(task.id, boardTaskOf(task));
        return next;
      }),
    );
  });
  const refreshRun = useDebounced(() => {
    run.reload();
    phases.reload();
    phaseJob.reload();
  });
  const bumpDetail = useDebounced(() => setDetailVersion((v) => v + 1));

  const ready = useLive({ run_id: runId }, (event) => {
    for (const listener of listeners.current) listener(event);
    if (event.type === 'job.output') return;
    if (
      affectsProgress(event.type) ||
      endsAttempt(event) ||
      PAUSES_OR_RESUMES.has(event.type) ||
      (event.type.startsWith('job.') && !event.task_id)
    )
      refreshRun();
    if (BULK.has(event.type)) refreshTasks(ALL);
    if (event.task_id) refreshTasks(event.task_id);
    const released = event.payload.released_task_ids;
    if (Array.isArray(released)) for (const id of released) if (typeof id === 'number') refreshTasks(id);
    if (event.task_id && event.task_id === selectedRef.current) bumpDetail();
    if (BULK.has(event.type) && selectedRef.current) bumpDetail();
  });

  const run = useResource(() => api.run(runId), [runId], ready);
  const phases = useResource(() => api.runPhases(runId), [runId], ready);
  // The job the run's phase waits on (its plan, integration test or deploy): what its situation line reads.
  const phaseKind = run.data ? phaseJobKind(run.data.phase) : null;
  const phaseJob = useResource(
    () => (phaseKind ? api.jobs({ run_id: runId, kind: phaseKind, limit: 1 }) : Promise.resolve(null)),
    [runId, phaseKind],
    ready,
  );
  const projectId = run.data?.project_id;
  // Its budget applies to the run unless the run has one of its own.
  const project = useResource(() => api.project(projectId!), [projectId], projectId !== undefined);
  useEffect(() => {
    if (ready) loadAll();
  }, [ready, loadAll]);

  const paramsRef = useRef(setParams);
  paramsRef.current = setParams;
  const onSelect = useCallback((id: number) => {
    paramsRef.current(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('task', String(id));
        return next;
      },
      { replace: true },
    );
  }, []);
  const onClose = useCallback(() => {
    const id = selectedRef.current;
    paramsRef.current(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('task');
        return next;
      },
      { replace: true },
    );
    if (id)
      window.setTimeout(() => document.querySelector<HTMLElement>(`[data-task-id="${id}"]`)?.focus(), 0);
  }, []);

  const data = run.data;
  const taskList = useMemo(() => [...(tasks?.values() ?? [])], [tasks]);
  const selected = selectedId && tasks ? (tasks.get(selectedId) ?? null) : null;
  const live = data && !isTerminalPhase(data.phase);
  const budget = data ? appliedBudget(data, project.data) : null;

  if (!Number.isInteger(runId) || runId <= 0) return <ErrorNote error="That is not a run number." />;

  return (
    <div className="stack-lg run-page">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/runs/">Runs</Link> / run #{runId}
          </p>
          <h1>{data ? data.goal : `Run #${runId}`}</h1>
          {data ? (
            <p className="muted">
              <Badge value={data.phase} /> {data.paused ? <Badge value="paused" /> : null} branch{' '}
              <code>{data.branch ?? '—'}</code> · started{' '}
              <span title={dateTime(data.created_at)}>{timeAgo(data.created_at)}</span>
              {data.killed_at ? ` · killed ${timeAgo(data.killed_at)}` : ''}
              {data.auto_advance_remaining ? ` · pipeline: ${data.auto_advance_remaining} steps left` : ''}
              <br />
              <span data-testid="run-usage">used: {usageText(data.usage)}</span>
            </p>
          ) : null}
        </div>
        {data ? (
          <Link to={`/runs/?project=${data.project_id}`} className="button-link">
            Project's runs
          </Link>
        ) : null}
      </div>
      <ErrorNote error={run.error} />
      {!data && !run.error ? <Loading what="the run" /> : null}
      {data ? (
        <>
          <PhaseTimeline phase={data.phase} history={phases.data?.items} />
          <ProgressBar progress={data.progress} />
          {budget ? <BudgetBar usage={data.usage} budget={budget} /> : null}
          <RunRelease run={data} subscribe={subscribe} onChanged={refreshRun} />
          <RunSituation
            run={data}
            tasks={taskList}
            phaseJob={phaseJob.data?.items[0] ?? null}
            canOperate={canOperate && Boolean(live)}
            onChanged={refreshRun}
          />
          {canOperate && live ? <RunActions run={data} onChanged={() => run.reload()} /> : null}
          <RunInterventions runId={runId} subscribe={subscribe} />
        </>
      ) : null}
      <ErrorNote error={tasksError} />
      {tasks && tasks.size > 0 ? (
        <Board tasks={tasks} pipeline={data?.pipeline ?? null} selectedId={selectedId} onSelect={onSelect} />
      ) : tasksError || tasks ? null : (
        <Loading what="tasks" />
      )}
      {tasks && tasks.size === 0 && data ? (
        <p className="empty">
          {data.phase === 'planning'
            ? 'Its tasks appear here once the PM agent has planned the run.'
            : canOperate && live
              ? 'This run has no tasks yet. Add one with “Add task”.'
              : 'This run has no tasks.'}
        </p>
      ) : null}
      {data ? <RunBranchesSection runId={runId} subscribe={subscribe} /> : null}
      {selected ? (
        <TaskPanel
          // A panel per task: a draft comment, a picked log or an open edit never carries over to the next.
          key={selected.id}
          task={selected}
          stages={stagesOf(runWorkStages({ pipeline: data?.pipeline ?? null }))}
          version={detailVersion}
          editable={Boolean(live)}
          subscribe={subscribe}
          onClose={onClose}
        />
      ) : null}
    </div>
  );
}
