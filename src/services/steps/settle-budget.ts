/**
 * Deciding a budget approval. Approved, the limits reached are raised to the ones given (they must leave
 * room beyond what was used): a task's own limits, the run's own, or the project's total; then what the
 * Director paused goes on (the task, or the run). Rejected, it stays paused for a person (who may kill it).
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
  hasLimits,
} from '../../domain/budget.ts';
import { errors } from '../../errors/catalogue.ts';
import { spentBy } from '../budget-reads.ts';
import { loadActiveRun, loadProject } from './load.ts';
import { applyPause } from './pause.ts';
import { applyTaskPause } from './task-pause.ts';

type Approval = typeof approvals.$inferSelect;

export async function settleBudget(
  tx: Tx,
  approval: Approval,
  decision: 'approve' | 'reject',
  budget: Budget | undefined,
): Promise<{ resumed: boolean; scope: string; budget?: ApiBudget }> {
  const scope = (approval.details as BudgetDetails).scope ?? 'run';
  if (decision === 'reject') return { resumed: false, scope };
  if (!hasLimits(budget))
    throw errors.validation('approving a budget needs the raised limits (tokens, cost_usd, wall_seconds)', {
      approval_id: approval.id,
    });
  const run = await loadActiveRun(tx, approval.runId);
  const taskId = scope === 'task' ? approval.taskId : null;
  const used = await spentBy(
    tx,
    scope,
    scope === 'task' ? taskId! : scope === 'run' ? run.id : run.projectId,
  );
  const percent = budgetPercent(used, budget);
  if (percent !== null && percent >= 100)
    throw errors.validation('the raised limits are already spent: give limits above what was used', {
      approval_id: approval.id,
      used_tokens: used.tokens,
      used_cost_usd: used.costUsd,
      used_wall_seconds: Math.round(used.wallSeconds),
    });
  if (scope === 'task') {
    await tx.update(tasks).set({ budget }).where(eq(tasks.id, taskId!));
    await applyTaskPause(tx, run, taskId!, false);
  } else {
    if (scope === 'run')
      await tx.update(runs).set({ budget, updatedAt: sql`now()` }).where(eq(runs.id, run.id));
    else await raiseProjectTotal(tx, run.projectId, budget);
    await applyPause(tx, run.id, false);
  }
  return {
    resumed: true,
    scope,
    budget: budgetToApi(budget),
  };
}

async function raiseProjectTotal(tx: Tx, projectId: number, total: Budget): Promise<void> {
  const project = await loadProject(tx, projectId);
  const settings = { ...project.settings, budget: { ...project.settings.budget, total } };
  await tx.update(projects).set({ settings, updatedAt: sql`now()` }).where(eq(projects.id, projectId));
}
