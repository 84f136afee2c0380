/**
 * false-done: a stage that passed on the project's test command when that command ran no test at all (its
 * exit was 0, its output says zero tests), or passed with no test command to run. The first goes back to
 * DEV to write the tests; the second is a warning, once per run: only a person can give the project a test
 * command.
 */

import { resolvePipeline, stageDefinition } from '../../domain/pipeline.ts';
import { noTestsEvidence } from '../../domain/test-output.ts';
import type { Proposal } from '../../services/director.ts';
import type { DirectorRule } from '../rule.ts';

export const falseDone: DirectorRule = {
  name: 'false-done',
  async propose(view) {
    const proposals: Proposal[] = [];
    for (const job of await view.passedStages()) {
      if (job.stage === 'dev' || !view.config(job.settings, 'false-done')) continue;
      const stage = stageDefinition(job.stage, resolvePipeline(job.pipeline));
      if (!stage.checks.includes('test')) continue;
      const test = job.gates.find((gate) => gate.name === 'test');
      if (!test && job.testCommand === null) {
        proposals.push({
          rule: 'false-done',
          fingerprint: `false-done:run-${job.runId}:no-test-command`,
          projectId: job.projectId,
          runId: job.runId,
          taskId: job.taskId,
          jobId: job.jobId,
          evidence: { stage: job.stage },
          summary: `task ${job.taskId} passed ${job.stage} with no test run: the project has no test command`,
          plan: { kind: 'warn' },
        });
        continue;
      }
      const line = test?.ok ? noTestsEvidence(test.outputTail) : null;
      if (!test || !line) continue;
      proposals.push({
        rule: 'false-done',
        fingerprint: `false-done:job-${job.jobId}`,
        projectId: job.projectId,
        runId: job.runId,
        taskId: job.taskId,
        jobId: job.jobId,
        taskVersion: job.taskVersion,
        evidence: { stage: job.stage, command: test.command, said: line },
        summary: `task ${job.taskId} passed ${job.stage} on \`${test.command}\`, which ran no test ("${line}")`,
        plan: {
          kind: 'finding',
          severity: 'high',
          issue: `${job.stage} passed on \`${test.command}\`, which ran no test ("${line}")`,
          recommendation:
            'write tests for the task that the project test command runs and that fail without the change',
          file: null,
        },
      });
    }
    return proposals;
  },
};
