/**
 * The Director's optional LLM review: the director role's agent reads a run and proposes interventions in
 * `director_report.json`. The Director never runs an agent itself: a review is a job (kind
 * `director_review`, role `director`) that a worker runs in its sandbox like any other; its validated
 * report's items are applied as the job's outcome, each recorded as an intervention of rule `llm-review`, and
 * the job's one `director.reviewed` event names them all.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { jobs, type ProjectSettings, tasks } from '../db/schema.ts';
import { ruleConfig } from '../domain/director.ts';
import type { DirectorReport, ReviewItem } from '../domain/director-report.ts';
import type { EventPayload } from '../domain/events.ts';
import { OPEN_JOB_STATES } from '../domain/job-states.ts';
import { runWorkStages } from '../domain/pipeline.ts';
import { isWorkStage } from '../domain/stages.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { getDirectorState, type InterventionPlan, recordInterventionIn } from './director.ts';
import { appendEvent, type OutcomeEvent } from './events.ts';
import { type Job, openJob } from './steps/jobs.ts';
import { loadActiveRun, loadProject, loadRun, type Run, type Task } from './steps/load.ts';

export type ReviewRequester = 'person' | 'schedule';

/**
 * Queues a review of the run by the director role's agent; a review of it already waiting or running is
 * returned instead of a second. Refused while the Director is off for the run's project.
 */
export function requestDirectorReview(
  ctx: ServiceContext,
  runId: number,
  requestedBy: ReviewRequester,
): Promise<{ job: Job; created: boolean }> {
  return inTransaction(ctx, async (tx) => {
    const run = await loadActiveRun(tx, runId);
    const project = await loadProject(tx, run.projectId);
    const state = await getDirectorState(tx);
    if (!state.enabled || !ruleConfig(state.rules, project.settings.director, 'llm-review'))
      throw errors.directorOff(project.id);
    const [open] = await tx
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.runId, run.id),
          eq(jobs.kind, 'director_review'),
          inArray(jobs.state, [...OPEN_JOB_STATES]),
        ),
      );
    if (open) return { job: open, created: false };
    // Asked for (by a person or the schedule they set): it runs now, whatever the trigger mode.
    const job = await openJob(tx, ctx, run, { kind: 'director_review', role: 'director', released: true });
    await appendEvent(tx, ctx.actor, {
      type: 'director.review_requested',
      projectId: run.projectId,
      runId: run.id,
      jobId: job.id,
      payload: { job_id: job.id, job_state: job.state, requested_by: requestedBy },
    });
    return { job, created: true };
  });
}

/** What an item asks for, as an intervention plan; null when it cannot apply to the task as it stands. */
async function planOf(
  tx: Tx,
  run: Run,
  item: ReviewItem,
  task: Task | null,
): Promise<InterventionPlan | null> {
  switch (item.kind) {
    case 'note':
      return { kind: 'note', body: item.message };
    case 'finding':
      return {
        kind: 'finding',
        severity: item.severity,
        issue: item.message,
        recommendation: '',
        file: null,
      };
    case 'pause':
      return { kind: 'pause-run' };
    case 'escalate':
      return { kind: 'escalate', reason: item.message };
    case 'requeue': {
      if (!task || !isWorkStage(task.pipelineStage, runWorkStages(run))) return null;
      // Its stage passed and it waits for a person's review (or for the merge they accepted): as the
      // stuck-task rule, the Director leaves it to them rather than run the stage again.
      if (task.reviewState !== null) return null;
      const [open] = await tx
        .select({ id: jobs.id, state: jobs.state })
        .from(jobs)
        .where(and(eq(jobs.taskId, task.id), inArray(jobs.state, [...OPEN_JOB_STATES])));
      if (!open) return { kind: 'requeue' };
      // A job still waiting will run anyway; a running one is stopped and its stage queued afresh.
      return open.state === 'running' ? { kind: 'restart', jobId: open.id } : null;
    }
  }
}

/**
 * Applies a review's report as its job's outcome (inside the completing transaction, so only while its
 * lease holds). An item about a task that is not in the run, or that no longer applies, is ignored.
 */
export async function applyDirectorReview(
  tx: Tx,
  ctx: ServiceContext,
  job: Job,
  report: DirectorReport,
): Promise<OutcomeEvent> {
  const run = await loadRun(tx, job.runId);
  const director: ServiceContext = { ...ctx, actor: 'director' };
  const applied: ReviewedIntervention[] = [];
  for (const [index, item] of report.interventions.entries()) {
    const [task] =
      item.task_id === null
        ? [null]
        : await tx
            .select()
            .from(tasks)
            .where(and(eq(tasks.id, item.task_id), eq(tasks.runId, run.id)));
    const plan = task === undefined ? null : await planOf(tx, run, item, task);
    if (!plan) continue;
    const done = await recordInterventionIn(tx, director, {
      rule: 'llm-review',
      fingerprint: `llm-review:job-${job.id}:item-${index}`,
      projectId: run.projectId,
      runId: run.id,
      taskId: task?.id ?? null,
      jobId: job.id,
      evidence: { review_job_id: job.id, kind: item.kind, severity: item.severity, message: item.message },
      summary: `${item.kind}${task ? ` on task ${task.id}` : ''}: ${item.message}`.slice(0, 500),
      plan,
    });
    if (done)
      applied.push({
        intervention_id: done.intervention.id,
        rule: done.intervention.rule,
        action: done.intervention.action,
        task_id: done.intervention.taskId,
        outcome: done.outcome,
      });
  }
  return {
    type: 'director.reviewed',
    projectId: run.projectId,
    runId: run.id,
    payload: { interventions: applied, ignored: report.interventions.length - applied.length },
  };
}

/** One applied item, as the review's event names it: the intervention, its rule, its target and outcome. */
type ReviewedIntervention = EventPayload<'director.reviewed'>['interventions'][number];

export interface ReviewableRun {
  runId: number;
  settings: ProjectSettings;
  /** Minutes since its last review was asked for; null when it never had one. */
  minutesSinceReview: number | null;
}

/** Runs at work (building or testing, not paused), with how long ago each was last reviewed. */
export async function reviewableRuns(db: Queryable): Promise<ReviewableRun[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select r.id as run_id, p.settings,
           (select extract(epoch from now() - max(j.created_at)) / 60
              from jobs j where j.run_id = r.id and j.kind = 'director_review')::float8 as minutes_since
      from runs r
      join projects p on p.id = r.project_id
     where r.killed_at is null and r.phase in ('building', 'testing') and not r.paused
     order by r.id`);
  return result.rows.map((row) => ({
    runId: Number(row.run_id),
    settings: row.settings as ProjectSettings,
    minutesSinceReview: row.minutes_since === null ? null : Number(row.minutes_since),
  }));
}
