import { describe, expect, it } from 'vitest';
import { type DependencyGraph, findCycle, isBlocked } from './dependencies.ts';

const graph = (entries: [number, number[]][]): DependencyGraph => new Map(entries);

/** A returned cycle must be closed and every step must be a real edge of the graph plus the new edges. */
function expectValidCycle(
  cycle: number[] | null,
  g: DependencyGraph,
  taskId: number,
  dependsOn: number[],
): void {
  expect(cycle).not.toBeNull();
  const path = cycle!;
  expect(path.length).toBeGreaterThanOrEqual(2);
  expect(path[0]).toBe(path.at(-1));
  const edges = new Map(g);
  edges.set(taskId, dependsOn);
  for (let i = 0; i < path.length - 1; i++) {
    expect(edges.get(path[i]!) ?? []).toContain(path[i + 1]);
  }
  expect(new Set(path.slice(0, -1)).size).toBe(path.length - 1);
}

describe('findCycle', () => {
  it.each([
    ['empty graph, no dependencies', graph([]), 1, []],
    ['empty graph, one dependency', graph([]), 1, [2]],
    [
      'chain',
      graph([
        [2, [3]],
        [3, [4]],
      ]),
      1,
      [2],
    ],
    [
      'independent task',
      graph([
        [2, [3]],
        [3, [1]],
      ]),
      4,
      [2],
    ],
    [
      'diamond',
      graph([
        [2, [4]],
        [3, [4]],
      ]),
      1,
      [2, 3],
    ],
    [
      'diamond with shared tail',
      graph([
        [2, [4]],
        [3, [4]],
        [4, [5]],
      ]),
      1,
      [2, 3, 4],
    ],
    ['dependency on an unknown task', graph([[2, [3]]]), 1, [99]],
  ] as [string, DependencyGraph, number, number[]][])('finds no cycle: %s', (_name, g, taskId, dependsOn) => {
    expect(findCycle(g, taskId, dependsOn)).toBeNull();
  });

  it('finds a self-dependency', () => {
    expect(findCycle(graph([]), 1, [1])).toEqual([1, 1]);
  });

  it('finds a 2-cycle', () => {
    const g = graph([[2, [1]]]);
    expect(findCycle(g, 1, [2])).toEqual([1, 2, 1]);
  });

  it('finds a longer cycle through the existing graph', () => {
    const g = graph([
      [2, [3]],
      [3, [4]],
      [4, [1]],
    ]);
    const cycle = findCycle(g, 1, [2]);
    expect(cycle).toEqual([1, 2, 3, 4, 1]);
    expectValidCycle(cycle, g, 1, [2]);
  });

  it('finds a cycle reached through the second dependency', () => {
    const g = graph([
      [2, [5]],
      [3, [4]],
      [4, [1]],
    ]);
    const cycle = findCycle(g, 1, [2, 3]);
    expect(cycle).toEqual([1, 3, 4, 1]);
    expectValidCycle(cycle, g, 1, [2, 3]);
  });

  it('replaces the task existing dependencies rather than adding to them', () => {
    const g = graph([
      [1, [2]],
      [2, [1]],
    ]);
    expect(findCycle(g, 1, [3])).toBeNull();
  });

  it('reports a cycle created by new edges even if the task was already in the graph', () => {
    const g = graph([
      [1, []],
      [2, [3]],
      [3, [1]],
    ]);
    const cycle = findCycle(g, 1, [2]);
    expectValidCycle(cycle, g, 1, [2]);
    expect(cycle).toEqual([1, 2, 3, 1]);
  });

  it.each([
    ['self', graph([]), 1, [1]],
    ['2-cycle', graph([[2, [1]]]), 1, [2]],
    [
      'long',
      graph([
        [2, [3]],
        [3, [4]],
        [4, [5]],
        [5, [1]],
      ]),
      1,
      [2],
    ],
    [
      'behind a diamond',
      graph([
        [2, [4]],
        [3, [4]],
        [4, [1]],
      ]),
      1,
      [2, 3],
    ],
  ] as [string, DependencyGraph, number, number[]][])(
    'returned path starts and ends with the same id: %s',
    (_name, g, taskId, dependsOn) => {
      const cycle = findCycle(g, taskId, dependsOn);
      expectValidCycle(cycle, g, taskId, dependsOn);
      expect(cycle![0]).toBe(taskId);
    },
  );

  it('returns only the cycle itself, first repeated last, not the way into it', () => {
    const graph = new Map([
      [1, [2]],
      [2, [1]],
    ]);
    expect(findCycle(graph, 3, [1])).toEqual([1, 2, 1]);
  });

  it('does not mutate the given graph', () => {
    const g = new Map<number, number[]>([[2, [1]]]);
    findCycle(g, 1, [2]);
    expect([...g.entries()]).toEqual([[2, [1]]]);
  });
});

describe('isBlocked', () => {
  it.each([
    [[], false],
    [['complete'], false],
    [['complete', 'complete'], false],
    [['dev'], true],
    [['none'], true],
    [['complete', 'docs'], true],
    [['qa', 'sec'], true],
  ] as [string[], boolean][])('isBlocked(%o) -> %s', (stages, expected) => {
    expect(isBlocked(stages)).toBe(expected);
  });
});
