import { describe, expect, it } from 'vitest';
import { compact, costText, usageText } from './format.ts';

const usage = (over: Partial<Parameters<typeof costText>[0]>) => ({
  agent_jobs: 3,
  input_tokens: 2500,
  output_tokens: 550,
  cost_usd: 0.02,
  unpriced_jobs: 0,
  ...over,
});

describe('usage display', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [2500, '2.5k'],
    [125_000, '125k'],
    [2_500_000, '2.5M'],
  ])('compact(%i) is %s', (count, text) => {
    expect(compact(count)).toBe(text);
  });

  it('never shows an unknown cost as zero', () => {
    expect(costText(usage({}))).toBe('$0.02');
    expect(costText(usage({ unpriced_jobs: 1 }))).toBe('$0.02+');
    expect(costText(usage({ cost_usd: null, unpriced_jobs: 3 }))).toBe('unpriced');
    expect(costText(usage({ cost_usd: 0.004 }))).toBe('$<0.01');
    expect(costText(usage({ agent_jobs: 0, cost_usd: null, input_tokens: 0, output_tokens: 0 }))).toBe('—');
  });

  it('says what the run used in a line', () => {
    expect(usageText(usage({ unpriced_jobs: 1 }))).toBe(
      '3 agent attempts · 2.5k in / 550 out tokens · $0.02+ (1 attempt without a reported cost)',
    );
    expect(usageText(usage({ agent_jobs: 0 }))).toBe('no agent work yet');
  });
});
