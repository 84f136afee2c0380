/**
 * repeated-failure: a task that failed the same stage twice in a row for the same reasons is not learning
 * from its findings. A course-correct note goes on the task, into its next prompt.
 */

import type { Proposal } from '../../services/director.ts';
import { lastTwoFailures } from '../../services/director-reads.ts';
import type { DirectorRule } from '../rule.ts';

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((reason, index) => reason === b[index]);
}

export const repeatedFailure: DirectorRule = {
  name: 'repeated-failure',
  async propose(view) {
    const proposals: Proposal[] = [];
    for (const [earlier, last] of await lastTwoFailures(view.db)) {
      if (!view.config(last.settings, 'repeated-failure')) continue;
      if (earlier.stage !== last.stage || !same(earlier.reasons, last.reasons)) continue;
      const reasons = last.reasons.join('; ');
      proposals.push({
        rule: 'repeated-failure',
        fingerprint: `repeated-failure:task-${last.taskId}:event-${last.eventId}`,
        projectId: last.projectId,
        runId: last.runId,
        taskId: last.taskId,
        taskVersion: last.taskVersion,
        evidence: { stage: last.stage, reasons: last.reasons, events: [earlier.eventId, last.eventId] },
        summary: `task ${last.taskId} failed ${last.stage} twice for the same reasons: ${reasons}`,
        plan: {
          kind: 'note',
          body: `The last two attempts failed ${last.stage} for the same reasons (${reasons}): the approach so far does not work. Reread the findings, find the cause before changing code, and try a different fix.`,
        },
      });
    }
    return proposals;
  },
};
