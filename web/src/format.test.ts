import { describe, expect, it } from 'vitest';
import { compact, costText, savedWorkText, shortCommit, usageText } from './format.ts';

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

describe('saved work display', () => {
  const folder = 'refs/wh/0badc0de';

  it("says what each kind of saved ref holds, from its name's last part", () => {
    expect(savedWorkText({ kind: 'wip', ref: `${folder}/wip/task-3/2` })).toBe(
      'unfinished work of attempt 2',
    );
    expect(savedWorkText({ kind: 'wip', ref: `${folder}/wip/task-3/final` })).toBe(
      'uncommitted work its worktree held when it was cleaned up',
    );
    expect(savedWorkText({ kind: 'discarded', ref: `${folder}/discarded/task-3/job-19` })).toBe(
      'changes a reviewer made in job #19, set aside',
    );
  });

  it('names a ref it does not recognise rather than guessing', () => {
    expect(savedWorkText({ kind: 'wip', ref: `${folder}/wip/task-3/odd` })).toBe('unfinished work (odd)');
    expect(savedWorkText({ kind: 'discarded', ref: `${folder}/discarded/task-3/x` })).toBe(
      "a reviewer's changes, set aside (x)",
    );
  });

  it('abbreviates a commit as git does', () => {
    expect(shortCommit('0123456789abcdef0123456789abcdef01234567')).toBe('0123456');
  });
});
