/** A run's budget on the page: which limits apply, how far the run is into them, and raising them. */
import { type Budget, budgetFromApi, hasLimits, runLimits } from '../../src/domain/budget.ts';
import type { Approval, Project, RaisedBudget, Run, RunUsage } from './api.ts';

/** The budget rule's default warning point: a meter turns to its warning colour from here. */
const WARN_AT_PERCENT = 80;

export interface AppliedBudget {
  limits: Budget;
  /** Whose limits they are: the run's own (raised at an approval) replace its project's whole. */
  source: 'run' | 'project';
}

/** The limits the Director holds a run to, as it reads them (domain/budget.ts); null when nothing limits it. */
export function appliedBudget(run: Pick<Run, 'budget'>, project: Project | undefined): AppliedBudget | null {
  const own = run.budget ? budgetFromApi(run.budget) : null;
  const limits = runLimits(own, project?.settings.budget);
  return limits ? { limits, source: hasLimits(own) ? 'run' : 'project' } : null;
}

export interface BudgetMeter {
  what: 'tokens' | 'cost' | 'wall';
  used: number;
  limit: number;
  /** Unclamped: a run may go past its limit before the Director's next look pauses it. */
  percent: number;
  warn: boolean;
}

/**
 * One meter per limit, counted as the budget rule counts it: tokens are input and output together, wall
 * time the elapsed time of the run's jobs.
 */
export function budgetMeters(usage: RunUsage, limits: Budget): BudgetMeter[] {
  const meter = (what: BudgetMeter['what'], used: number, limit: number): BudgetMeter => {
    const percent = (used / limit) * 100;
    return { what, used, limit, percent, warn: percent >= WARN_AT_PERCENT };
  };
  const meters: BudgetMeter[] = [];
  if (limits.tokens !== undefined)
    meters.push(meter('tokens', usage.input_tokens + usage.output_tokens, limits.tokens));
  if (limits.costUsd !== undefined) meters.push(meter('cost', usage.cost_usd ?? 0, limits.costUsd));
  if (limits.wallSeconds !== undefined) meters.push(meter('wall', usage.wall_seconds, limits.wallSeconds));
  return meters;
}

export type BudgetDetails = Extract<Approval['details'], { used: unknown }>;

export function isBudgetDetails(details: Approval['details']): details is BudgetDetails {
  return 'used' in details && 'budget' in details;
}

/** A budget approval's raise form: tokens, dollars and minutes of wall time, as typed. */
export interface LimitFields {
  tokens: string;
  cost: string;
  wallMinutes: string;
}

/**
 * What a budget approval's fields start with: each limit the run reached, doubled from whichever is larger,
 * the limit or what was used (a run can overshoot between two looks, and the server refuses a limit already
 * spent).
 */
export function suggestedLimits(details: BudgetDetails): LimitFields {
  const { budget, used } = details;
  const tokens = budget.tokens === undefined ? '' : String(Math.max(budget.tokens, used.tokens) * 2);
  const cost =
    budget.cost_usd === undefined
      ? ''
      : String(Math.ceil(Math.max(budget.cost_usd, used.cost_usd ?? 0) * 2 * 100) / 100);
  const wallMinutes =
    budget.wall_seconds === undefined
      ? ''
      : String(Math.ceil((Math.max(budget.wall_seconds, used.wall_seconds ?? 0) * 2) / 60));
  return { tokens, cost, wallMinutes };
}

/**
 * The raised limits from the fields, or why they cannot be sent. A blank field leaves that limit as it is:
 * the server raises only the limits given.
 */
export function readRaisedLimits(fields: LimitFields): { budget: RaisedBudget } | { error: string } {
  const budget: RaisedBudget = {};
  const tokens = fields.tokens.trim();
  const cost = fields.cost.trim();
  const wallMinutes = fields.wallMinutes.trim();
  if (tokens) {
    const value = Number(tokens);
    if (!Number.isSafeInteger(value) || value <= 0)
      return { error: 'Tokens must be a whole number above 0.' };
    budget.tokens = value;
  }
  if (cost) {
    const value = Number(cost);
    if (!Number.isFinite(value) || value <= 0) return { error: 'Cost must be a number of dollars above 0.' };
    budget.cost_usd = value;
  }
  if (wallMinutes) {
    const value = Number(wallMinutes);
    if (!Number.isFinite(value) || value <= 0)
      return { error: 'Wall time must be a number of minutes above 0.' };
    budget.wall_seconds = Math.round(value * 60);
  }
  if (Object.keys(budget).length === 0)
    return { error: 'Give at least one raised limit: tokens, cost or wall time.' };
  return { budget };
}
