/**
 * budget: a run's reported tokens and cost against its budget (its own, else its project's). At the warning
 * percentage a person is told; at 100% the run is paused and a budget approval asks a person to raise it.
 * Fingerprints carry the budget, so a raised budget is watched afresh.
 */
import { budgetPercent } from '../../domain/director.ts';
import type { Proposal } from '../../services/director.ts';
import { runSpending } from '../../services/director-reads.ts';
import type { DirectorRule } from '../rule.ts';

function describe(budget: { tokens?: number; costUsd?: number }): string {
  return [
    budget.tokens !== undefined ? `${budget.tokens} tokens` : null,
    budget.costUsd !== undefined ? `$${budget.costUsd}` : null,
  ]
    .filter(Boolean)
    .join(' / ');
}

export const budget: DirectorRule = {
  name: 'budget',
  async propose(view) {
    const { db } = view;
    const proposals: Proposal[] = [];
    for (const run of await runSpending(db)) {
      const config = view.config(run.settings, 'budget');
      if (!config || !run.budget) continue;
      const used = { tokens: run.tokens, costUsd: run.costUsd };
      const percent = budgetPercent(used, run.budget);
      if (percent === null || percent < config.warnAtPercent) continue;
      const limit = describe(run.budget);
      const spent = `${run.tokens} tokens${run.costUsd !== null ? `, $${run.costUsd.toFixed(2)}` : ''}`;
      const evidence = {
        budget: { tokens: run.budget.tokens ?? null, cost_usd: run.budget.costUsd ?? null },
        used: { tokens: run.tokens, cost_usd: run.costUsd },
        percent: Math.round(percent),
      };
      const base = { rule: 'budget' as const, projectId: run.projectId, runId: run.runId, evidence };
      const key = `budget:run-${run.runId}:${JSON.stringify(run.budget)}`;
      if (percent >= 100 && !run.paused)
        proposals.push({
          ...base,
          fingerprint: `${key}:spent`,
          summary: `run ${run.runId} used ${spent} of its budget of ${limit}: paused until a person raises it`,
          plan: {
            kind: 'pause',
            reason: `run ${run.runId} reached its budget (${limit}; used ${spent}); approve with a raised budget to resume it`,
            budget: run.budget,
            used,
          },
        });
      else if (percent < 100)
        proposals.push({
          ...base,
          fingerprint: `${key}:warn`,
          summary: `run ${run.runId} used ${Math.round(percent)}% of its budget of ${limit} (${spent})`,
          plan: { kind: 'warn' },
        });
    }
    return proposals;
  },
};
