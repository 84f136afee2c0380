/**
 * What the Director's rules read: one query each, no writes. Only runs still at work count (not killed,
 * not in a terminal phase).
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { ProjectSettings } from '../db/schema.ts';
import type { Budget } from '../domain/director.ts';
import { usageOf } from './run-usage.ts';

const ACTIVE_RUN = sql.raw(`r.killed_at is null and r.phase not in ('deployed', 'failed', 'killed')`);

export interface IdleTask {
  taskId: number;
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  stage: string;
  version: number;
  idleSeconds: number;
}

/** Tasks of building, unpaused runs that sit in a work stage with no open job. */
export async function idleTasks(db: Queryable): Promise<IdleTask[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select t.id as task_id, t.run_id, r.project_id, p.settings, t.pipeline_stage, t.version,
           extract(epoch from now() - t.updated_at)::float8 as idle_seconds
      from tasks t
      join runs r on r.id = t.run_id
      join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and r.phase = 'building' and not r.paused
       and t.pipeline_stage not in ('none', 'complete')
       and not exists (select 1 from jobs j where j.task_id = t.id and j.state in ('held', 'queued', 'running'))
     order by t.id`);
  return result.rows.map((row) => ({
    taskId: Number(row.task_id),
    runId: Number(row.run_id),
    projectId: Number(row.project_id),
    settings: row.settings as ProjectSettings,
    stage: String(row.pipeline_stage),
    version: Number(row.version),
    idleSeconds: Number(row.idle_seconds),
  }));
}

export interface RunSpending {
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  paused: boolean;
  /** The run's own budget, else its project's; null when neither limits it. */
  budget: Budget | null;
  tokens: number;
  costUsd: number | null;
}

/** Every run at work that has a budget, with what it used so far. */
export async function runSpending(db: Queryable): Promise<RunSpending[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select r.id, r.project_id, r.paused, r.budget, p.settings
      from runs r join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and (r.budget is not null or p.settings ? 'budget')
     order by r.id`);
  const ids = result.rows.map((row) => Number(row.id));
  const usage = await usageOf(db, ids);
  return result.rows.map((row) => {
    const settings = row.settings as ProjectSettings;
    const used = usage.get(Number(row.id))!;
    return {
      runId: Number(row.id),
      projectId: Number(row.project_id),
      settings,
      paused: Boolean(row.paused),
      budget: (row.budget as Budget | null) ?? settings.budget ?? null,
      tokens: used.inputTokens + used.outputTokens,
      costUsd: used.costUsd,
    };
  });
}

export interface PassedDev {
  jobId: number;
  taskId: number;
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  repository: string;
  runBranch: string;
  taskVersion: number;
  taskStage: string;
}

/**
 * DEV jobs that passed (their task moved on) within the last day, in runs at work: the changes the
 * Director's diff rules review.
 */
export async function passedDevJobs(db: Queryable): Promise<PassedDev[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select j.id as job_id, t.id as task_id, r.id as run_id, r.project_id, p.settings, p.repository,
           r.branch, t.version, t.pipeline_stage
      from jobs j
      join tasks t on t.id = j.task_id
      join runs r on r.id = j.run_id
      join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and j.kind = 'stage' and j.stage = 'dev' and j.state = 'succeeded'
       and t.pipeline_stage <> 'dev' and t.pipeline_stage <> 'none'
       and j.finished_at > now() - interval '1 day'
       and not exists (select 1 from jobs later where later.task_id = t.id and later.stage = 'dev'
                        and later.id > j.id)
     order by j.id`);
  return result.rows.map((row) => ({
    jobId: Number(row.job_id),
    taskId: Number(row.task_id),
    runId: Number(row.run_id),
    projectId: Number(row.project_id),
    settings: row.settings as ProjectSettings,
    repository: String(row.repository),
    runBranch: String(row.branch),
    taskVersion: Number(row.version),
    taskStage: String(row.pipeline_stage),
  }));
}
