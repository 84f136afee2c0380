/** Dependency steps: validate a task's dependencies and release the tasks a completion unblocks. */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { taskDependencies, tasks } from '../../db/schema.ts';
import { findCycle } from '../../domain/dependencies.ts';
import { errors } from '../../errors/catalogue.ts';
import type { ServiceContext } from '../context.ts';
import type { Run, Task } from './load.ts';
import { enterStage } from './stages.ts';

/** Ids among a task's dependencies that are not complete yet. */
export async function incompleteDependencies(tx: Tx, taskId: number): Promise<number[]> {
  const rows = await tx
    .select({ id: tasks.id })
    .from(taskDependencies)
    .innerJoin(tasks, eq(tasks.id, taskDependencies.dependsOnTaskId))
    .where(and(eq(taskDependencies.taskId, taskId), ne(tasks.pipelineStage, 'complete')))
    .orderBy(tasks.id);
  return rows.map((row) => row.id);
}

/** Replaces a task's dependencies after checking they are tasks of its run and form no cycle. */
export async function replaceDependencies(tx: Tx, task: Task, dependsOn: readonly number[]): Promise<void> {
  const wanted = [...new Set(dependsOn)];
  if (wanted.length > 0) {
    const sameRun = await tx
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(inArray(tasks.id, wanted), eq(tasks.runId, task.runId)));
    const known = new Set(sameRun.map((row) => row.id));
    const foreign = wanted.filter((id) => !known.has(id));
    if (foreign.length > 0) throw errors.foreignDependency(foreign, task.runId);

    const edges = await tx
      .select({ from: taskDependencies.taskId, to: taskDependencies.dependsOnTaskId })
      .from(taskDependencies)
      .innerJoin(tasks, eq(tasks.id, taskDependencies.taskId))
      .where(eq(tasks.runId, task.runId));
    const graph = new Map<number, number[]>();
    for (const edge of edges) graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    const cycle = findCycle(graph, task.id, wanted);
    if (cycle) throw errors.dependencyCycle(cycle);
  }
  await tx.delete(taskDependencies).where(eq(taskDependencies.taskId, task.id));
  if (wanted.length > 0) {
    await tx
      .insert(taskDependencies)
      .values(wanted.map((dependsOnTaskId) => ({ taskId: task.id, dependsOnTaskId })));
  }
}

/**
 * After `completedTaskId` completes, every waiting task whose last dependency that was enters dev.
 * Returns the ids of the tasks released.
 */
export async function releaseDependents(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  completedTaskId: number,
): Promise<number[]> {
  const waiting = await tx
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.pipelineStage, 'none'),
        sql`${tasks.id} in (select task_id from task_dependencies where depends_on_task_id = ${completedTaskId})`,
      ),
    )
    .orderBy(tasks.id);
  const released: number[] = [];
  for (const task of waiting) {
    if ((await incompleteDependencies(tx, task.id)).length > 0) continue;
    await tx
      .update(tasks)
      .set({ pipelineStage: 'dev', version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
      .where(eq(tasks.id, task.id));
    await enterStage(tx, ctx, run, task, 'dev');
    released.push(task.id);
  }
  return released;
}
