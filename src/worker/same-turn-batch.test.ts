import { describe, expect, it } from 'vitest';
import { SameTurnBatch } from './same-turn-batch.ts';

describe('SameTurnBatch', () => {
  it('writes the items added in one turn together, and later items in a batch of their own', async () => {
    const writes: number[][] = [];
    const batch = new SameTurnBatch<number>(async (items) => {
      writes.push(items);
    });
    const first = [batch.add(1), batch.add(2), batch.add(3)];
    await Promise.all(first);
    await batch.add(4);
    expect(writes).toEqual([[1, 2, 3], [4]]);
  });

  it('items added while a batch is being written go into the next batch', async () => {
    const writes: string[][] = [];
    let release: () => void = () => {};
    const batch = new SameTurnBatch<string>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const a = batch.add('a');
    await new Promise((resolve) => setImmediate(resolve));
    const b = batch.add('b');
    await b;
    expect(writes).toEqual([['a'], ['b']]);
    release();
    await a;
  });

  it('a failed write rejects every item of its batch and no other', async () => {
    const batch = new SameTurnBatch<number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky');
    });
    const failed = [batch.add(12), batch.add(13)];
    await expect(
      Promise.all(
        failed.map((p) =>
          p.then(
            () => 'ok',
            (e: Error) => e.message,
          ),
        ),
      ),
    ).resolves.toEqual(['unlucky', 'unlucky']);
    await expect(batch.add(14)).resolves.toBeUndefined();
  });
});
