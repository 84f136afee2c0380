/**
 * A PM's plan becomes the run's tasks, inside the planning job's completing transaction: tasks are created
 * in dependency order (blocked ones wait without a job) and the run moves from planning to building.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { runs } from '../db/schema.ts';
import { type Plan, planOrder } from '../domain/reports.ts';
import { movePhase } from '../domain/run-phases.ts';
import { errors } from '../errors/catalogue.ts';
import type { ServiceContext } from './context.ts';
import type { EventInput } from './events.ts';
import { insertTask } from './steps/insert-task.ts';
import type { Job } from './steps/jobs.ts';
import { loadRun } from './steps/load.ts';

export async function applyPlan(tx: Tx, ctx: ServiceContext, job: Job, plan: Plan): Promise<EventInput> {
  const run = await loadRun(tx, job.runId);
  const move = movePhase(run.phase, 'building');
  if (!move.ok) throw errors.illegalPhaseMove(run.id, run.phase, move.reason);
  const ordered = planOrder(plan);
  if (!ordered) throw errors.dependencyCycle([]);
  const idOfKey = new Map<string, number>();
  for (const planned of ordered) {
    const { task } = await insertTask(tx, ctx, run, {
      title: planned.title,
      description: planned.description,
      priority: planned.priority,
      acceptance: planned.acceptance,
      files: planned.files,
      dependsOn: planned.blocked_by.map((key) => idOfKey.get(key)!),
      source: 'pm',
    });
    idOfKey.set(planned.key, task.id);
  }
  await tx.update(runs).set({ phase: 'building', updatedAt: sql`now()` }).where(eq(runs.id, run.id));
  return {
    type: 'run.planned',
    projectId: run.projectId,
    runId: run.id,
    payload: { task_ids: Object.fromEntries(idOfKey), from: run.phase, to: 'building' },
  };
}
