/**
 * The one-line cut and the usage wording that `wh` listings and `wh watch` share: a long text ends in an
 * ellipsis at the width, whitespace never breaks the line, and a cost shows only where one was reported.
 */
import { describe, expect, it } from 'vitest';
import { cutToWidth, formatTable, tokensAndCost } from './output.ts';

describe('cutToWidth', () => {
  it('keeps a text that fits, flattens its whitespace, and ends a longer one in an ellipsis at the width', () => {
    expect(cutToWidth('fits', 4)).toBe('fits');
    expect(cutToWidth('two\n  lines', 20)).toBe('two lines');
    expect(cutToWidth('a longer goal', 8)).toBe('a longe…');
    expect(cutToWidth('any', 0)).toBe('…');
  });

  it('cuts a table column at its max, and leaves one without a max whole', () => {
    const table = formatTable(
      [{ goal: 'Add a health endpoint', note: 'left whole however long' }],
      [
        { header: 'goal', value: (row) => row.goal, max: 10 },
        { header: 'note', value: (row) => row.note },
      ],
    );
    expect(table.split('\n')[1]).toBe('Add a hea…  left whole however long');
  });
});

describe('tokensAndCost', () => {
  const usage = { agent_jobs: 2, input_tokens: 1000, output_tokens: 234, unpriced_jobs: 0 };

  it('adds input and output tokens, with the cost where one was reported', () => {
    expect(tokensAndCost({ ...usage, cost_usd: 0.4213 })).toBe('1234 tokens, $0.42');
    expect(tokensAndCost({ ...usage, cost_usd: null })).toBe('1234 tokens');
  });
});
