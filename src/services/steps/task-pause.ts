/**
 * Pausing one task inside a service's transaction: its queued jobs are held (marked as held by the pause)
 * and resuming queues them again, unless its run is paused too (then they stay held for the run). A running
 * job finishes; what comes after it is held while the task is paused (see readyState).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { jobs, tasks } from '../../db/schema.ts';
import type { Run, Task } from './load.ts';

/** Sets the task's pause and moves its waiting jobs accordingly; returns the task and the jobs it moved. */
export async function applyTaskPause(
  tx: Tx,
  run: Run,
  taskId: number,
  paused: boolean,
): Promise<{ task: Task; jobIds: number[] }> {
  const [task] = (await tx
    .update(tasks)
    .set({ paused, version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
    .where(eq(tasks.id, taskId))
    .returning()) as [Task];
  if (!paused && run.paused) return { task, jobIds: [] };
  const moved = await tx
    .update(jobs)
    .set({
      ...(paused
        ? { state: 'held' as const, heldByPause: true }
        : { state: 'queued' as const, heldByPause: false }),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(jobs.taskId, taskId),
        paused ? eq(jobs.state, 'queued') : and(eq(jobs.state, 'held'), eq(jobs.heldByPause, true)),
      ),
    )
    .returning({ id: jobs.id });
  return { task, jobIds: moved.map((job) => job.id).sort((a, b) => a - b) };
}
