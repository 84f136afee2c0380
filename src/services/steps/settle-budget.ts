/**
 * Deciding a budget approval. Approved, the limits reached are raised: each limit given replaces the one in
 * force (a task's own limits, the run's own, or the project's total; each over its project's), and the
 * others stay as they were, so raising tokens never drops a wall-time or cost limit. What results must
 * leave room beyond what was used; then what the Director paused goes on (the task, or the run). Rejected,
 * it stays paused for a person (who may kill it).
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { type approvals, projects, runs, tasks } from '../../db/schema.ts';
import {
  type ApiBudget,
  type Budget,
  type BudgetDetails,
  budgetPercent,
  budgetToApi,
  describeLimits,
  hasLimits,
  projectLimits,
  runLimits,
  taskLimits,
} from '../../domain/budget.ts';
import { errors } from '../../errors/catalogue.ts';
import { spentBy } from '../budget-reads.ts';
import { loadActiveRun, loadProject, loadTask, type Project } from './load.ts';
import { applyPause } from './pause.ts';
import { applyTaskPause } from './task-pause.ts';

type Approval = typeof approvals.$inferSelect;

export async function settleBudget(
  tx: Tx,
  approval: Approval,
  decision: 'approve' | 'reject',
  raised: Budget | undefined,
): Promise<{ resumed: boolean; scope: string; budget?: ApiBudget }> {
  const scope = (approval.details as BudgetDetails).scope ?? 'run';
  if (decision === 'reject') return { resumed: false, scope };
  if (!hasLimits(raised))
    throw errors.validation('approving a budget needs the raised limits (tokens, cost_usd, wall_seconds)', {
      approval_id: approval.id,
    });
  const run = await loadActiveRun(tx, approval.runId);
  const project = await loadProject(tx, run.projectId);
  const taskId = scope === 'task' ? approval.taskId : null;
  const inForce =
    scope === 'task'
      ? taskLimits((await loadTask(tx, taskId!)).budget, project.settings.budget)
      : scope === 'run'
        ? runLimits(run.budget, project.settings.budget)
        : projectLimits(project.settings.budget);
  const budget: Budget = { ...inForce, ...raised };
  const used = await spentBy(
    tx,
    scope,
    scope === 'task' ? taskId! : scope === 'run' ? run.id : run.projectId,
  );
  const percent = budgetPercent(used, budget);
  if (percent !== null && percent >= 100)
    throw errors.validation(
      'the limits after this raise are already spent: raise each limit that was reached above what was used',
      {
        approval_id: approval.id,
        limits: describeLimits(budget),
        used_tokens: used.tokens,
        used_cost_usd: used.costUsd,
        used_wall_seconds: Math.round(used.wallSeconds),
      },
    );
  if (scope === 'task') {
    await tx.update(tasks).set({ budget }).where(eq(tasks.id, taskId!));
    await applyTaskPause(tx, run, taskId!, false);
  } else {
    if (scope === 'run')
      await tx.update(runs).set({ budget, updatedAt: sql`now()` }).where(eq(runs.id, run.id));
    else await raiseProjectTotal(tx, project, budget);
    await applyPause(tx, run.id, false);
  }
  return { resumed: true, scope, budget: budgetToApi(budget) };
}

async function raiseProjectTotal(tx: Tx, project: Project, total: Budget): Promise<void> {
  const settings = { ...project.settings, budget: { ...project.settings.budget, total } };
  await tx.update(projects).set({ settings, updatedAt: sql`now()` }).where(eq(projects.id, project.id));
}
