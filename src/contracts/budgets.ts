/**
 * Limits of agent work as the API answers with them (a run's or a task's own budget, a budget approval's
 * limits) and takes them (a budget approval's raised limits): snake_case, like the rest of the API. Only a
 * project's `settings`, given and answered as it is stored, holds them camelCase (`settings.budget`).
 */
import { z } from 'zod';

export const budgetLimitsSchema = z.strictObject({
  tokens: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  cost_usd: z.number().positive().max(1e9).optional(),
  wall_seconds: z.number().positive().max(1e9).optional(),
});
export type BudgetLimits = z.infer<typeof budgetLimitsSchema>;
