/** Adding a task inside a service's transaction (a person's task, a PM's plan, a finding's fix task). */
import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { tasks } from '../../db/schema.ts';
import { overlappingFiles } from '../../domain/files.ts';
import type { ServiceContext } from '../context.ts';
import { incompleteDependencies, replaceDependencies } from './dependencies.ts';
import type { Job } from './jobs.ts';
import { loadProject, type Run, type Task } from './load.ts';
import { enterStage } from './stages.ts';

export interface NewTask {
  runId: number;
  title: string;
  description?: string | undefined;
  priority?: number | undefined;
  acceptance?: string[] | undefined;
  files?: string[] | undefined;
  dependsOn?: number[] | undefined;
  source?: Task['source'] | undefined;
}

/**
 * The run's other unfinished tasks whose files overlap `task`'s: a new task waits for them (unless the project
 * allows overlapping work), so that it starts from a run branch that already holds their change instead of
 * conflicting with it.
 */
async function overlappingUnfinished(
  tx: Tx,
  run: Run,
  task: Task,
): Promise<{ id: number; shared: string[] }[]> {
  if (task.files.length === 0) return [];
  const project = await loadProject(tx, run.projectId);
  if (project.settings.parallelOverlap) return [];
  const unfinished = await tx
    .select({ id: tasks.id, files: tasks.files })
    .from(tasks)
    .where(and(eq(tasks.runId, run.id), ne(tasks.id, task.id), ne(tasks.pipelineStage, 'complete')))
    .orderBy(tasks.id);
  return unfinished
    .map((other) => ({ id: other.id, shared: overlappingFiles(task.files, other.files) }))
    .filter((task) => task.shared.length > 0);
}

/**
 * Inserts a task; it enters dev at once unless it waits for dependencies (its own, and the unfinished tasks
 * whose files it shares), in which case it has no job.
 */
export async function insertTask(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  input: Omit<NewTask, 'runId'>,
): Promise<{ task: Task; job: Job | null; blockedBy: number[] }> {
  const [inserted] = await tx
    .insert(tasks)
    .values({
      runId: run.id,
      title: input.title,
      description: input.description ?? '',
      priority: input.priority ?? 5,
      acceptance: input.acceptance ?? [],
      files: input.files ?? [],
      source: input.source ?? 'manual',
    })
    .returning();
  let task = inserted!;
  const overlaps = await overlappingUnfinished(tx, run, task);
  if (overlaps.length > 0) {
    const why = overlaps.map((o) => `waits for task ${o.id}: both change ${o.shared.join(', ')}`);
    [task] = (await tx
      .update(tasks)
      .set({ notes: `${why.join('\n')}\n` })
      .where(eq(tasks.id, task.id))
      .returning()) as [Task];
  }
  await replaceDependencies(tx, task, [...(input.dependsOn ?? []), ...overlaps.map((o) => o.id)]);
  const blockedBy = await incompleteDependencies(tx, task.id);
  let job: Job | null = null;
  if (blockedBy.length === 0) {
    [task] = (await tx
      .update(tasks)
      .set({ pipelineStage: 'dev' })
      .where(eq(tasks.id, task.id))
      .returning()) as [Task];
    job = await enterStage(tx, ctx, run, task, 'dev');
  }
  return { task, job, blockedBy };
}
