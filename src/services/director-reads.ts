/**
 * What the Director's rules read: one query each, no writes. Only runs still at work count (not killed,
 * not in a terminal phase).
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { ProjectSettings } from '../db/schema.ts';
import type { PipelineEntry } from '../domain/pipeline.ts';
import type { GateResult } from '../domain/verdict.ts';

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
       -- A task awaiting a person's review waits for that person, not for a job.
       and t.review_state is distinct from 'awaiting'
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

export interface PassedStage {
  jobId: number;
  taskId: number;
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  repository: string;
  runBranch: string;
  stage: string;
  pipeline: PipelineEntry[] | null;
  testCommand: string | null;
  /** The project's commands as the job ran them (its report's `gates`); [] for a job from before they were kept. */
  gates: GateResult[];
  taskVersion: number;
}

/**
 * Stage jobs that passed within the last day in runs at work, whose task has moved on and not been back to
 * that stage since: the work the Director's rules review (DEV's changes, a reviewer's evidence).
 */
export async function passedStageJobs(db: Queryable): Promise<PassedStage[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select j.id as job_id, t.id as task_id, r.id as run_id, r.project_id, p.settings, p.repository, r.branch,
           j.stage, r.pipeline, p.test_command, j.report->'gates' as gates, t.version
      from jobs j
      join tasks t on t.id = j.task_id
      join runs r on r.id = j.run_id
      join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and j.kind = 'stage' and j.state = 'succeeded'
       and t.pipeline_stage <> j.stage and t.pipeline_stage <> 'none'
       and j.finished_at > now() - interval '1 day'
       and not exists (select 1 from jobs later where later.task_id = t.id and later.stage = j.stage
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
    stage: String(row.stage),
    pipeline: (row.pipeline as PipelineEntry[] | null) ?? null,
    testCommand: (row.test_command as string | null) ?? null,
    gates: Array.isArray(row.gates) ? (row.gates as GateResult[]) : [],
    taskVersion: Number(row.version),
  }));
}

export interface StageFailure {
  eventId: number;
  taskId: number;
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  taskVersion: number;
  stage: string;
  reasons: string[];
}

/** Each task's last two stage results, when both were failures, for tasks of runs at work. */
export async function lastTwoFailures(db: Queryable): Promise<[StageFailure, StageFailure][]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select e.id, e.task_id, e.run_id, r.project_id, p.settings, t.version, e.payload
      from (select *, row_number() over (partition by task_id order by id desc) as recent
              from events where type = 'task.stage_result' and created_at > now() - interval '1 day') e
      join tasks t on t.id = e.task_id
      join runs r on r.id = e.run_id
      join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and e.recent <= 2
     order by e.task_id, e.id`);
  const byTask = new Map<number, StageFailure[]>();
  for (const row of result.rows) {
    const payload = row.payload as { result?: string; from?: string; reasons?: string[] };
    if (payload.result !== 'fail') continue;
    const failure: StageFailure = {
      eventId: Number(row.id),
      taskId: Number(row.task_id),
      runId: Number(row.run_id),
      projectId: Number(row.project_id),
      settings: row.settings as ProjectSettings,
      taskVersion: Number(row.version),
      stage: String(payload.from ?? ''),
      reasons: payload.reasons ?? [],
    };
    byTask.set(failure.taskId, [...(byTask.get(failure.taskId) ?? []), failure]);
  }
  return [...byTask.values()].filter((pair): pair is [StageFailure, StageFailure] => pair.length === 2);
}

export interface TestingRun {
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  /** The phase change that put it in testing: one nudge per time it entered the phase. */
  phaseChangeId: number;
  idleSeconds: number;
}

/** Runs testing (and not paused) with no integration test job that could finish it. */
export async function testingRunsWithoutJob(db: Queryable): Promise<TestingRun[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select r.id, r.project_id, p.settings, pc.id as change_id,
           extract(epoch from now() - pc.at)::float8 as idle_seconds
      from runs r
      join projects p on p.id = r.project_id
      join lateral (select id, at from run_phase_changes where run_id = r.id order by id desc limit 1) pc on true
     where ${ACTIVE_RUN} and r.phase = 'testing' and not r.paused
       and not exists (select 1 from jobs j where j.run_id = r.id and j.kind = 'integration_test'
                        and j.state in ('held', 'queued', 'running'))
     order by r.id`);
  return result.rows.map((row) => ({
    runId: Number(row.id),
    projectId: Number(row.project_id),
    settings: row.settings as ProjectSettings,
    phaseChangeId: Number(row.change_id),
    idleSeconds: Number(row.idle_seconds),
  }));
}

export interface SilentJob {
  jobId: number;
  taskId: number;
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  stage: string;
  taskVersion: number;
  silentSeconds: number;
}

/**
 * Running stage jobs of runs at work, with how long since they last wrote to their log (or were claimed):
 * a lease renewal does not count, so a live worker whose agent hangs shows as silent.
 */
export async function runningStageJobs(db: Queryable): Promise<SilentJob[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select j.id, j.task_id, r.id as run_id, r.project_id, p.settings, j.stage, t.version,
           extract(epoch from now() - j.updated_at)::float8 as silent_seconds
      from jobs j
      join tasks t on t.id = j.task_id
      join runs r on r.id = j.run_id
      join projects p on p.id = r.project_id
     where ${ACTIVE_RUN} and j.kind = 'stage' and j.state = 'running' and t.pipeline_stage = j.stage
     order by j.id`);
  return result.rows.map((row) => ({
    jobId: Number(row.id),
    taskId: Number(row.task_id),
    runId: Number(row.run_id),
    projectId: Number(row.project_id),
    settings: row.settings as ProjectSettings,
    stage: String(row.stage),
    taskVersion: Number(row.version),
    silentSeconds: Number(row.silent_seconds),
  }));
}
