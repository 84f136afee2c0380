/**
 * stuck-run: a run testing with no integration test job left (its job died, or was cancelled) would wait
 * for ever; its test is queued again, once per time it entered testing.
 */

import type { Proposal } from '../../services/director.ts';
import { testingRunsWithoutJob } from '../../services/director-reads.ts';
import type { DirectorRule } from '../rule.ts';

export const stuckRun: DirectorRule = {
  name: 'stuck-run',
  async propose(view) {
    const proposals: Proposal[] = [];
    for (const run of await testingRunsWithoutJob(view.db)) {
      const config = view.config(run.settings, 'stuck-run');
      if (!config || run.idleSeconds < config.idleMinutes * 60) continue;
      const minutes = Math.floor(run.idleSeconds / 60);
      proposals.push({
        rule: 'stuck-run',
        fingerprint: `stuck-run:run-${run.runId}:phase-${run.phaseChangeId}`,
        projectId: run.projectId,
        runId: run.runId,
        evidence: { phase: 'testing', idle_minutes: minutes, threshold_minutes: config.idleMinutes },
        summary: `run ${run.runId} was testing with no test job for ${minutes} min; its test is queued again`,
        plan: { kind: 'requeue-test' },
      });
    }
    return proposals;
  },
};
