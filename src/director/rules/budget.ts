/**
 * budget: tokens, reported cost and wall time against the limits of each task, each run and each project's
 * total. At the warning percentage a person is told, once; at 100% the task (for a task limit) or the run
 * (for a run or project limit) is paused and a budget approval asks a person to raise the limits.
 * Fingerprints carry the limits, so raised limits are watched afresh.
 */
import { budgetPercent, describeLimits, describeSpending } from '../../domain/budget.ts';
import { budgetTargets } from '../../services/budget-reads.ts';
import type { Proposal } from '../../services/director.ts';
import type { DirectorRule } from '../rule.ts';

export const budget: DirectorRule = {
  name: 'budget',
  async propose(view) {
    const proposals: Proposal[] = [];
    for (const target of await budgetTargets(view.db)) {
      const config = view.config(target.settings, 'budget');
      if (!config) continue;
      const { scope, limits, used } = target;
      const percent = budgetPercent(used, limits);
      if (percent === null || percent < config.warnAtPercent) continue;
      const who =
        scope === 'task'
          ? `task ${target.taskId}`
          : scope === 'run'
            ? `run ${target.runId}`
            : `project ${target.projectId}`;
      const limit = describeLimits(limits);
      const spent = describeSpending(used);
      const evidence = {
        scope,
        budget: {
          tokens: limits.tokens ?? null,
          cost_usd: limits.costUsd ?? null,
          wall_seconds: limits.wallSeconds ?? null,
        },
        used: { tokens: used.tokens, cost_usd: used.costUsd, wall_seconds: Math.round(used.wallSeconds) },
        percent: Math.round(percent),
      };
      const base = {
        rule: 'budget' as const,
        projectId: target.projectId,
        runId: target.runId,
        taskId: target.taskId,
        evidence,
      };
      const key = `budget:${scope}-${scope === 'task' ? target.taskId : scope === 'run' ? target.runId : target.projectId}:${JSON.stringify(limits)}`;
      if (percent >= 100 && !target.paused) {
        const paused = scope === 'task' ? `task ${target.taskId}` : `run ${target.runId}`;
        proposals.push({
          ...base,
          // A project's limit pauses each of its runs at work: one intervention per run.
          fingerprint: `${key}:spent${scope === 'project' ? `:run-${target.runId}` : ''}`,
          summary: `${who} used ${spent} of its limits of ${limit}: ${paused} paused until a person raises them`,
          plan: {
            kind: 'pause',
            scope,
            reason: `${who} reached its limits (${limit}; used ${spent}); approve with raised limits to resume ${paused}`,
            budget: limits,
            used,
          },
        });
      } else if (percent < 100)
        proposals.push({
          ...base,
          fingerprint: `${key}:warn`,
          summary: `${who} used ${Math.round(percent)}% of its limits of ${limit} (${spent})`,
          plan: { kind: 'warn' },
        });
    }
    return proposals;
  },
};
