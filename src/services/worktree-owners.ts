/**
 * What the worktree sweep needs to know of some runs: their phase, their project's repository, their
 * tasks' stages, and which of their worktrees a job may still be using.
 */

import { inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { jobs, projects, runs, tasks } from '../db/schema.ts';
import { OPEN_JOB_STATES } from '../domain/job-states.ts';
import type { RunPhase } from '../domain/run-phases.ts';
import type { Stage } from '../domain/stages.ts';

export interface WorktreeOwner {
  runId: number;
  phase: RunPhase;
  /** The run's branch, which names its worktrees' folder. */
  branch: string | null;
  projectId: number;
  repository: string;
  taskStages: Map<number, Stage>;
  /**
   * Worktree names (`planning`, `director`, `integration`, `task-<id>`) with a job open, or active within the last
   * minute: an agent being stopped may still be writing in its worktree.
   */
  inUse: Set<string>;
}

export async function worktreeOwners(db: Queryable, runIds: number[]): Promise<Map<number, WorktreeOwner>> {
  const owners = new Map<number, WorktreeOwner>();
  if (runIds.length === 0) return owners;
  const runRows = await db
    .select({
      id: runs.id,
      phase: runs.phase,
      branch: runs.branch,
      projectId: runs.projectId,
      repository: projects.repository,
    })
    .from(runs)
    .innerJoin(projects, sql`${projects.id} = ${runs.projectId}`)
    .where(inArray(runs.id, runIds));
  for (const run of runRows) {
    owners.set(run.id, { runId: run.id, ...run, taskStages: new Map(), inUse: new Set() });
  }
  const taskRows = await db
    .select({ id: tasks.id, runId: tasks.runId, stage: tasks.pipelineStage })
    .from(tasks)
    .where(inArray(tasks.runId, runIds));
  for (const task of taskRows) owners.get(task.runId)?.taskStages.set(task.id, task.stage);
  const busy = await db
    .select({ runId: jobs.runId, taskId: jobs.taskId, kind: jobs.kind })
    .from(jobs)
    .where(
      sql`${inArray(jobs.runId, runIds)} and (${inArray(jobs.state, [...OPEN_JOB_STATES])}
          or ${jobs.updatedAt} > now() - interval '1 minute')`,
    );
  for (const job of busy) {
    const inUse = owners.get(job.runId)?.inUse;
    if (!inUse) continue;
    // Any job of a run may merge or test in its integration worktree.
    inUse.add('integration');
    if (job.taskId !== null) inUse.add(`task-${job.taskId}`);
    else if (job.kind === 'planning') inUse.add('planning');
    else if (job.kind === 'director_review') inUse.add('director');
  }
  return owners;
}

/** Which of these jobs are still running (their agents' private homes are still in use). */
export async function runningJobIds(db: Queryable, jobIds: number[]): Promise<Set<number>> {
  if (jobIds.length === 0) return new Set();
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(sql`${inArray(jobs.id, jobIds)} and ${jobs.state} = 'running'`);
  return new Set(rows.map((row) => row.id));
}
