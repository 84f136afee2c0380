/** stuck-task: a task in a work stage that no job can move, idle too long, gets its stage's job again. */

import type { Proposal } from '../../services/director.ts';
import { idleTasks } from '../../services/director-reads.ts';
import type { DirectorRule } from '../rule.ts';

export const stuckTask: DirectorRule = {
  name: 'stuck-task',
  async propose(view) {
    const { db } = view;
    const proposals: Proposal[] = [];
    for (const task of await idleTasks(db)) {
      const config = view.config(task.settings, 'stuck-task');
      if (!config || task.idleSeconds < config.idleMinutes * 60) continue;
      const minutes = Math.floor(task.idleSeconds / 60);
      proposals.push({
        rule: 'stuck-task',
        fingerprint: `stuck-task:task-${task.taskId}:v${task.version}`,
        projectId: task.projectId,
        runId: task.runId,
        taskId: task.taskId,
        taskVersion: task.version,
        evidence: { stage: task.stage, idle_minutes: minutes, threshold_minutes: config.idleMinutes },
        summary: `task ${task.taskId} sat in ${task.stage} with no job for ${minutes} min; its ${task.stage} job is queued again`,
        plan: { kind: 'requeue' },
      });
    }
    return proposals;
  },
};
