import { describe, expect, it } from 'vitest';
import type { Project } from './api.ts';
import { appliedBudget, budgetMeters, readRaisedLimits, suggestedLimits } from './budget.ts';

const usage = {
  agent_jobs: 2,
  input_tokens: 700,
  output_tokens: 100,
  cost_usd: 0.5,
  unpriced_jobs: 0,
  wall_seconds: 900,
};
const projectWith = (budget: Project['settings']['budget']) => ({ settings: { budget } }) as Project;

describe('the budget that applies to a run', () => {
  it("is the run's own, which replaces its project's whole, every limit as the API answers it", () => {
    expect(
      appliedBudget(
        { budget: { tokens: 10, cost_usd: 2, wall_seconds: 600 } },
        projectWith({ costUsd: 1, wallSeconds: 60 }),
      ),
    ).toEqual({ limits: { tokens: 10, costUsd: 2, wallSeconds: 600 }, source: 'run' });
  });

  it("is its project's run limits when the run has none (not its task or total limits), and none when neither limits it", () => {
    expect(
      appliedBudget(
        { budget: null },
        projectWith({ wallSeconds: 60, task: { tokens: 5 }, total: { costUsd: 9 } }),
      ),
    ).toEqual({ limits: { wallSeconds: 60 }, source: 'project' });
    expect(appliedBudget({ budget: null }, projectWith({ costUsd: 1 }))?.source).toBe('project');
    expect(
      appliedBudget({ budget: null }, projectWith({ task: { tokens: 5 }, total: { tokens: 50 } })),
    ).toBeNull();
    expect(appliedBudget({ budget: null }, projectWith({}))).toBeNull();
    expect(appliedBudget({ budget: null }, projectWith(undefined))).toBeNull();
    expect(appliedBudget({ budget: null }, undefined)).toBeNull();
  });
});

describe('budget meters', () => {
  it('counts input and output tokens together, and warns from 80%', () => {
    const [tokens] = budgetMeters(usage, { tokens: 1000 });
    expect(tokens).toEqual({ what: 'tokens', used: 800, limit: 1000, percent: 80, warn: true });
    expect(budgetMeters(usage, { tokens: 1001 })[0]?.warn).toBe(false);
  });

  it('shows one meter per limit, an unpriced run as $0 spent, and an overshoot past 100%', () => {
    const meters = budgetMeters({ ...usage, cost_usd: null }, { tokens: 400, costUsd: 2, wallSeconds: 3600 });
    expect(meters.map((meter) => [meter.what, meter.percent, meter.warn])).toEqual([
      ['tokens', 200, true],
      ['cost', 0, false],
      ['wall', 25, false],
    ]);
    expect(budgetMeters(usage, {})).toEqual([]);
  });
});

describe('raising a budget at its approval', () => {
  const fields = (given: Partial<{ tokens: string; cost: string; wallMinutes: string }>) => ({
    tokens: '',
    cost: '',
    wallMinutes: '',
    ...given,
  });

  it('suggests double the limit, or double what was used when the run went past it', () => {
    expect(suggestedLimits({ budget: { tokens: 1000 }, used: { tokens: 900, cost_usd: null } })).toEqual(
      fields({ tokens: '2000' }),
    );
    expect(
      suggestedLimits({ budget: { tokens: 1, cost_usd: 0.5 }, used: { tokens: 300, cost_usd: 0.6 } }),
    ).toEqual(fields({ tokens: '600', cost: '1.2' }));
  });

  it('suggests wall time in whole minutes, from the limit or the time used past it', () => {
    expect(
      suggestedLimits({
        budget: { wall_seconds: 3600 },
        used: { tokens: 0, cost_usd: null, wall_seconds: 3700 },
      }),
    ).toEqual(fields({ wallMinutes: '124' }));
  });

  it('reads the fields into the decision body, a blank field leaving its limit out', () => {
    expect(readRaisedLimits(fields({ tokens: ' 5000 ' }))).toEqual({ budget: { tokens: 5000 } });
    expect(readRaisedLimits(fields({ cost: '2.5' }))).toEqual({ budget: { cost_usd: 2.5 } });
    expect(readRaisedLimits(fields({ wallMinutes: '90' }))).toEqual({ budget: { wall_seconds: 5400 } });
    expect(readRaisedLimits(fields({ tokens: '10', cost: '1', wallMinutes: '0.5' }))).toEqual({
      budget: { tokens: 10, cost_usd: 1, wall_seconds: 30 },
    });
  });

  it.each([
    [fields({}), /at least one/],
    [fields({ tokens: '1.5' }), /whole number/],
    [fields({ tokens: '0' }), /whole number/],
    [fields({ cost: '-1' }), /dollars/],
    [fields({ cost: 'ten' }), /dollars/],
    [fields({ wallMinutes: '0' }), /minutes/],
    [fields({ wallMinutes: 'an hour' }), /minutes/],
  ])('refuses %o', (given, message) => {
    const read = readRaisedLimits(given);
    expect('error' in read && read.error).toMatch(message);
  });
});
