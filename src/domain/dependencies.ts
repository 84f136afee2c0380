/**
 * Task dependency rules. A task waits (blocked) until every task it depends on is complete.
 */
export type DependencyGraph = ReadonlyMap<number, readonly number[]>;

/**
 * Returns a cycle (as a list of task ids, first repeated last) if adding `edges` to `graph` creates one.
 */
export function findCycle(
  graph: DependencyGraph,
  taskId: number,
  dependsOn: readonly number[],
): number[] | null {
  const edges = new Map(graph);
  edges.set(taskId, dependsOn);
  const path: number[] = [];
  const onPath = new Set<number>();
  const done = new Set<number>();

  const visit = (node: number): number[] | null => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return null;
    onPath.add(node);
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };
  return visit(taskId);
}

/** A task is blocked while any of its dependencies is not complete. */
export function isBlocked(dependencyStages: readonly string[]): boolean {
  return dependencyStages.some((stage) => stage !== 'complete');
}
