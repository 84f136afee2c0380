/** Pausing and resuming one task: its jobs are held, not lost (see steps/task-pause.ts). */
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadActiveRun, loadTask, type Task } from './steps/load.ts';
import { applyTaskPause } from './steps/task-pause.ts';

export function setTaskPaused(ctx: ServiceContext, taskId: number, paused: boolean): Promise<Task> {
  return inTransaction(ctx, async (tx) => {
    const current = await loadTask(tx, taskId);
    const run = await loadActiveRun(tx, current.runId);
    const { task, jobIds } = await applyTaskPause(tx, run, taskId, paused);
    await appendEvent(tx, ctx.actor, {
      type: paused ? 'task.paused' : 'task.resumed',
      projectId: run.projectId,
      runId: run.id,
      taskId,
      payload: { was_paused: current.paused, job_ids: jobIds },
    });
    return task;
  });
}
