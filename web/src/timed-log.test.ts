import { describe, expect, it } from 'vitest';
import { appended, unread } from './timed-log.ts';

const arrived = (...chunks: string[]) => chunks.map((chunk, index) => ({ chunk, at: index }));

describe('the chunks that arrived while the log was read', () => {
  it('keeps those the read did not see, in order', () => {
    const chunks = arrived('b\n', 'c\n', 'd\n');
    expect(unread('a\nb\nc\n', chunks)).toEqual([chunks[2]]);
    expect(unread('a\n', chunks)).toEqual(chunks);
    expect(unread('a\nb\nc\nd\n', chunks)).toEqual([]);
  });

  it('does not add a chunk twice when several arrived during the read', () => {
    // The log holds both: the old check (does the log end with this chunk?) appended the first again.
    expect(unread('x\ny\n', arrived('x\n', 'y\n'))).toEqual([]);
  });
});

describe('a chunk appended', () => {
  it('begins where the text ended', () => {
    expect(appended({ text: 'ab', times: [{ offset: 0, at: 1 }] }, 'cd', 2)).toEqual({
      text: 'abcd',
      times: [
        { offset: 0, at: 1 },
        { offset: 2, at: 2 },
      ],
    });
  });
});
