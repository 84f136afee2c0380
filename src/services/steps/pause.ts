/**
 * Pausing a run inside a service's transaction: its queued jobs are held (marked as held by the pause) and
 * resuming queues them again, except those of tasks paused on their own. Running jobs finish; nothing new
 * starts while the run is paused.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { jobs, runs, tasks } from '../../db/schema.ts';
import { readyState } from './jobs.ts';
import type { Run } from './load.ts';

/** Sets the run's pause and moves its waiting jobs accordingly; returns the run and the jobs it moved. */
export async function applyPause(
  tx: Tx,
  runId: number,
  paused: boolean,
): Promise<{ run: Run; jobIds: number[] }> {
  const [run] = (await tx
    .update(runs)
    .set({ paused, updatedAt: sql`now()` })
    .where(eq(runs.id, runId))
    .returning()) as [Run];
  const moved = await tx
    .update(jobs)
    .set({ ...readyState(run), updatedAt: sql`now()` })
    .where(
      and(
        eq(jobs.runId, runId),
        paused
          ? eq(jobs.state, 'queued')
          : and(
              eq(jobs.state, 'held'),
              eq(jobs.heldByPause, true),
              sql`not exists (select 1 from ${tasks} t where t.id = ${jobs.taskId} and t.paused)`,
            ),
      ),
    )
    .returning({ id: jobs.id });
  return { run, jobIds: moved.map((job) => job.id) };
}
