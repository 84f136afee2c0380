/**
 * Budgets: limits of agent work in tokens, reported cost and wall time, per task, per run and per project in
 * total. The project's settings give all three; a run's own limits replace its project's run limits whole,
 * and a task's own replace the project's task limits (both are set when a person raises them at a budget
 * approval). Wall time is the sum of the elapsed time of the jobs a worker ran (see docs/director.md).
 */

export const BUDGET_SCOPES = Object.freeze(['task', 'run', 'project'] as const);
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

/** Limits of agent work; absent limits do not apply. */
export interface Budget {
  tokens?: number;
  costUsd?: number;
  wallSeconds?: number;
}

/** A project's budget: each run's limits, each task's (`task`), and the project's total (`total`). */
export interface ProjectBudget extends Budget {
  task?: Budget;
  total?: Budget;
}

/** What work used: tokens (input and output), reported cost (null when none reported) and wall time. */
export interface Spending {
  tokens: number;
  costUsd: number | null;
  wallSeconds: number;
}

/** What a budget approval shows: whose limits were reached (a run's when absent), the limits and the use. */
export interface BudgetDetails {
  scope?: BudgetScope;
  budget: Budget;
  used: { tokens: number; costUsd: number | null; wallSeconds?: number };
}

/** Limits as the API writes them (snake_case: a run's or task's own budget, a budget approval's). */
export interface ApiBudget {
  tokens?: number | undefined;
  cost_usd?: number | undefined;
  wall_seconds?: number | undefined;
}

/** The limits the API wrote, as the rest of Workhorse reads them. */
export function budgetFromApi(limits: ApiBudget): Budget {
  return {
    ...(limits.tokens !== undefined ? { tokens: limits.tokens } : {}),
    ...(limits.cost_usd !== undefined ? { costUsd: limits.cost_usd } : {}),
    ...(limits.wall_seconds !== undefined ? { wallSeconds: limits.wall_seconds } : {}),
  };
}

/** Limits as the API writes them. */
export function budgetToApi(budget: Budget): ApiBudget {
  return {
    ...(budget.tokens !== undefined ? { tokens: budget.tokens } : {}),
    ...(budget.costUsd !== undefined ? { cost_usd: budget.costUsd } : {}),
    ...(budget.wallSeconds !== undefined ? { wall_seconds: budget.wallSeconds } : {}),
  };
}

export function hasLimits(budget: Budget | null | undefined): budget is Budget {
  return (
    budget !== null &&
    budget !== undefined &&
    (budget.tokens !== undefined || budget.costUsd !== undefined || budget.wallSeconds !== undefined)
  );
}

/** Only the limits themselves (a project's budget also carries its task and total limits). */
function limitsOf(budget: Budget | null | undefined): Budget | null {
  if (!hasLimits(budget)) return null;
  const { tokens, costUsd, wallSeconds } = budget;
  return {
    ...(tokens !== undefined ? { tokens } : {}),
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(wallSeconds !== undefined ? { wallSeconds } : {}),
  };
}

/** The limits a run is held to: its own, else its project's run limits; null when none. */
export function runLimits(own: Budget | null, project: ProjectBudget | undefined): Budget | null {
  return limitsOf(own) ?? limitsOf(project);
}

/** The limits a task is held to: its own, else its project's task limits; null when none. */
export function taskLimits(own: Budget | null, project: ProjectBudget | undefined): Budget | null {
  return limitsOf(own) ?? limitsOf(project?.task);
}

/** The project's total limits over all its runs; null when none. */
export function projectLimits(project: ProjectBudget | undefined): Budget | null {
  return limitsOf(project?.total);
}

/** How far `used` is into `budget`, as the largest of the percentages, or null when nothing is limited. */
export function budgetPercent(
  used: { tokens: number; costUsd: number | null; wallSeconds?: number },
  budget: Budget,
): number | null {
  const parts: number[] = [];
  if (budget.tokens !== undefined && budget.tokens > 0) parts.push((used.tokens / budget.tokens) * 100);
  if (budget.costUsd !== undefined && budget.costUsd > 0)
    parts.push(((used.costUsd ?? 0) / budget.costUsd) * 100);
  if (budget.wallSeconds !== undefined && budget.wallSeconds > 0)
    parts.push(((used.wallSeconds ?? 0) / budget.wallSeconds) * 100);
  return parts.length === 0 ? null : Math.max(...parts);
}

/** A person's reading of limits: "1000 tokens / $2 / 30m". */
export function describeLimits(budget: Budget): string {
  return [
    budget.tokens !== undefined ? `${budget.tokens} tokens` : null,
    budget.costUsd !== undefined ? `$${budget.costUsd}` : null,
    budget.wallSeconds !== undefined ? `${describeSeconds(budget.wallSeconds)} of wall time` : null,
  ]
    .filter(Boolean)
    .join(' / ');
}

export function describeSpending(used: Spending): string {
  return [
    `${used.tokens} tokens`,
    used.costUsd !== null ? `$${used.costUsd.toFixed(2)}` : null,
    `${describeSeconds(used.wallSeconds)} of wall time`,
  ]
    .filter(Boolean)
    .join(', ');
}

function describeSeconds(seconds: number): string {
  const rounded = Math.round(seconds);
  if (rounded < 120) return `${rounded}s`;
  if (rounded < 7200) return `${Math.round(rounded / 60)}m`;
  return `${(rounded / 3600).toFixed(1)}h`;
}
