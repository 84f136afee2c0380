import type { Tx } from '../db/client.ts';
import { type Plan, planOrder } from '../domain/reports.ts';
import { errors } from '../errors/catalogue.ts';
import type { ServiceContext } from './context.ts';
import type { OutcomeEvent } from './events.ts';
import { insertTask } from './steps/insert-task.ts';
import type { Job } from './steps/jobs.ts';
import { loadRun } from './steps/load.ts';
import { assertPhaseMove, enterPhase } from './steps/phases.ts';

export async function applyPlan(tx: Tx, ctx: ServiceContext, job: Job, plan: Plan): Promise<OutcomeEvent> {
  const run = await loadRun(tx, job.runId);
  assertPhaseMove(run, 'building');
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
  await enterPhase(tx, ctx.actor, run, 'building');
  return {
    type: 'run.planned',
    projectId: run.projectId,
    runId: run.id,
    payload: { task_ids: Object.fromEntries(idOfKey), from: run.phase, to: 'building' },
  };
}
