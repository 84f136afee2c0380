/** Adding a task inside a service's transaction (a person's task, a PM's plan, a finding's fix task). */
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { tasks } from '../../db/schema.ts';
import type { ServiceContext } from '../context.ts';
import { incompleteDependencies, replaceDependencies } from './dependencies.ts';
import type { Job } from './jobs.ts';
import type { Run, Task } from './load.ts';
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

/** Inserts a task; it enters dev at once unless it waits for dependencies, in which case it has no job. */
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
  await replaceDependencies(tx, task, input.dependsOn ?? []);
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
