/** What names a run's branches and saved work in its repository: one read, no writes. */
import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { tasks } from '../db/schema.ts';
import { installationId } from './installation.ts';
import { loadProject, loadRun, loadTask } from './steps/load.ts';

export interface RunGitNames {
  runId: number;
  installation: string;
  projectId: number;
  /** The project's repository as configured: a local path or a URL (cloned into the data folder). */
  repository: string;
  /** The run's stored branch; its tasks' branches are derived from it. */
  runBranch: string | null;
  taskIds: number[];
}

export async function runGitNames(db: Queryable, runId: number): Promise<RunGitNames> {
  const run = await loadRun(db, runId);
  const project = await loadProject(db, run.projectId);
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(eq(tasks.runId, runId))
    .orderBy(asc(tasks.id));
  return {
    runId,
    installation: await installationId(db),
    projectId: project.id,
    repository: project.repository,
    runBranch: run.branch,
    taskIds: rows.map((row) => row.id),
  };
}

export interface TaskGitNames {
  taskId: number;
  projectId: number;
  repository: string;
  runBranch: string | null;
}

/** What names a task's branch and its run's in their repository. */
export async function taskGitNames(db: Queryable, taskId: number): Promise<TaskGitNames> {
  const task = await loadTask(db, taskId);
  const run = await loadRun(db, task.runId);
  const project = await loadProject(db, run.projectId);
  return { taskId, projectId: project.id, repository: project.repository, runBranch: run.branch };
}
