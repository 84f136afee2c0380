/**
 * What the budget rule reads: for every run at work under some limit, what its tasks, the run and its
 * project used so far, and the limits each is held to. Tokens and cost are what agents reported; wall time
 * is the elapsed time of every job a worker ran (claimed to finished, or to now while it runs). Waiting
 * (held, queued, paused, for a person) costs none.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import type { ProjectSettings } from '../db/schema.ts';
import {
  type Budget,
  type BudgetScope,
  projectLimits,
  runLimits,
  type Spending,
  taskLimits,
} from '../domain/budget.ts';

const ACTIVE_RUN = sql.raw(`r.killed_at is null and r.phase not in ('deployed', 'failed', 'killed')`);

/** The spending columns of a group of jobs `j`. */
const SPENT = sql.raw(`
  (coalesce(sum(j.input_tokens), 0) + coalesce(sum(j.output_tokens), 0))::float8 as tokens,
  sum(j.cost_usd)::float8 as cost_usd,
  coalesce(sum(extract(epoch from coalesce(j.finished_at, now()) - j.started_at))
           filter (where j.started_at is not null and (j.finished_at is not null or j.state = 'running')),
           0)::float8 as wall_seconds`);

function spendingOf(row: Record<string, unknown>): Spending {
  return {
    tokens: Number(row.tokens ?? 0),
    costUsd: row.cost_usd === null || row.cost_usd === undefined ? null : Number(row.cost_usd),
    wallSeconds: Number(row.wall_seconds ?? 0),
  };
}

async function spendingBy(db: Queryable, query: SQL): Promise<Map<number, Record<string, unknown>>> {
  const result = await db.execute<Record<string, unknown>>(query);
  return new Map(result.rows.map((row) => [Number(row.key), row]));
}

/** Something held to limits: a task, a run, or a project seen from one of its runs at work. */
export interface BudgetTarget {
  scope: BudgetScope;
  projectId: number;
  runId: number;
  /** The task of a task limit; null for run and project limits. */
  taskId: number | null;
  settings: ProjectSettings;
  /** Whether what the limit would pause (the task, or the run) is paused already. */
  paused: boolean;
  limits: Budget;
  used: Spending;
}

interface ActiveRun {
  runId: number;
  projectId: number;
  settings: ProjectSettings;
  paused: boolean;
  budget: Budget | null;
}

async function runsUnderBudget(db: Queryable): Promise<ActiveRun[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select r.id, r.project_id, r.paused, r.budget, p.settings
      from runs r join projects p on p.id = r.project_id
     where ${ACTIVE_RUN}
       and (r.budget is not null or p.settings ? 'budget'
            or exists (select 1 from tasks t where t.run_id = r.id and t.budget is not null))
     order by r.id`);
  return result.rows.map((row) => ({
    runId: Number(row.id),
    projectId: Number(row.project_id),
    settings: row.settings as ProjectSettings,
    paused: Boolean(row.paused),
    budget: (row.budget as Budget | null) ?? null,
  }));
}

/** Every limit that applies to a run at work, with what was used against it. */
export async function budgetTargets(db: Queryable): Promise<BudgetTarget[]> {
  const active = await runsUnderBudget(db);
  if (active.length === 0) return [];
  const runIds = sql.param(active.map((run) => run.runId));
  const projectIds = sql.param([...new Set(active.map((run) => run.projectId))]);
  const byRun = await spentByRun(
    db,
    active.map((run) => run.runId),
  );
  const byProject = await spendingBy(
    db,
    sql`select r.project_id as key, ${SPENT} from jobs j join runs r on r.id = j.run_id
         where r.project_id = any(${projectIds}::int[]) group by r.project_id`,
  );
  const taskRows = await db.execute<Record<string, unknown>>(sql`
    select t.id as key, t.run_id, t.paused, t.budget, ${SPENT}
      from tasks t left join jobs j on j.task_id = t.id
     where t.run_id = any(${runIds}::int[]) and t.pipeline_stage not in ('none', 'complete')
     group by t.id order by t.id`);
  const targets: BudgetTarget[] = [];
  for (const run of active) {
    const { budget } = run.settings;
    const base = { projectId: run.projectId, runId: run.runId, settings: run.settings };
    const own = runLimits(run.budget, budget);
    if (own)
      targets.push({
        ...base,
        scope: 'run',
        taskId: null,
        paused: run.paused,
        limits: own,
        used: byRun.get(run.runId)!,
      });
    const total = projectLimits(budget);
    if (total)
      targets.push({
        ...base,
        scope: 'project',
        taskId: null,
        paused: run.paused,
        limits: total,
        used: spendingOf(byProject.get(run.projectId) ?? {}),
      });
    for (const row of taskRows.rows.filter((task) => Number(task.run_id) === run.runId)) {
      const limits = taskLimits((row.budget as Budget | null) ?? null, budget);
      if (limits)
        targets.push({
          ...base,
          scope: 'task',
          taskId: Number(row.key),
          paused: Boolean(row.paused) || run.paused,
          limits,
          used: spendingOf(row),
        });
    }
  }
  return targets;
}

/** What each run used so far, as its run limits count it (none for a run with no job yet). */
export async function spentByRun(db: Queryable, runIds: readonly number[]): Promise<Map<number, Spending>> {
  const rows = await spendingBy(
    db,
    sql`select j.run_id as key, ${SPENT} from jobs j
         where j.run_id = any(${sql.param([...runIds])}::int[]) group by j.run_id`,
  );
  return new Map(runIds.map((runId) => [runId, spendingOf(rows.get(runId) ?? {})]));
}

/** What one task, run or project used so far (a raised limit must leave room beyond it). */
export async function spentBy(db: Queryable, scope: BudgetScope, id: number): Promise<Spending> {
  const where =
    scope === 'task'
      ? sql`j.task_id = ${id}`
      : scope === 'run'
        ? sql`j.run_id = ${id}`
        : sql`j.run_id in (select r.id from runs r where r.project_id = ${id})`;
  const result = await db.execute<Record<string, unknown>>(sql`select ${SPENT} from jobs j where ${where}`);
  return spendingOf(result.rows[0] ?? {});
}
