/** Row loaders that turn a missing id into the catalogue's 404. */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { projects, runs, tasks } from '../../db/schema.ts';
import { isTerminalPhase } from '../../domain/run-phases.ts';
import { errors } from '../../errors/catalogue.ts';

export type Project = typeof projects.$inferSelect;
export type Run = typeof runs.$inferSelect;
export type Task = typeof tasks.$inferSelect;

export async function loadProject(db: Queryable, id: number): Promise<Project> {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  if (!row) throw errors.notFound('project', id);
  return row;
}

export async function loadRun(db: Queryable, id: number): Promise<Run> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  if (!row) throw errors.notFound('run', id);
  return row;
}

export async function loadTask(db: Queryable, id: number): Promise<Task> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  if (!row) throw errors.notFound('task', id);
  return row;
}

/**
 * A run that can still take work: not killed and not in a terminal phase. The row stays locked until the
 * transaction ends, so changes within one run are serialized: two last tasks completing at once cannot both
 * miss that the run is done.
 */
export async function loadActiveRun(db: Queryable, id: number): Promise<Run> {
  const [run] = await db.select().from(runs).where(eq(runs.id, id)).for('update');
  if (!run) throw errors.notFound('run', id);
  if (run.killedAt || run.phase === 'killed') throw errors.runKilled(run.id);
  if (isTerminalPhase(run.phase)) throw errors.runNotActive(run.id, run.phase);
  return run;
}
