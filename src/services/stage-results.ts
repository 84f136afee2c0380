/**
 * What a finished stage job changes, applied inside its completing (lease-fenced) transaction: findings are
 * stored; a pass advances the task, a fail sends it back to dev carrying its blocking findings; medium and
 * low findings become fix tasks (priority 7 and 5); a passing review closes that reviewer's old findings.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { findings, tasks } from '../db/schema.ts';
import { resolvePipeline, stageDefinition, workStagesOf } from '../domain/pipeline.ts';
import type { ReportFinding } from '../domain/reports.ts';
import { type FindingSource, isBlocking, priorityForSeverity } from '../domain/severity.ts';
import { advance } from '../domain/stages.ts';
import type { Verdict } from '../domain/verdict.ts';
import type { ServiceContext } from './context.ts';
import type { OutcomeEvent } from './events.ts';
import { escalateWhenLooping } from './steps/escalate.ts';
import { insertTask } from './steps/insert-task.ts';
import type { Job } from './steps/jobs.ts';
import { loadRun, loadTask } from './steps/load.ts';
import { moveTask } from './steps/move-task.ts';
import { awaitReview } from './steps/review.ts';

/**
 * `touched`: the files the task's branch changes, when the stage measured them (a passing DEV).
 * `holdForReview`: the stage passed where the task would merge, and its project wants a person's review
 * first: the task stays in its stage, awaiting review, instead of completing.
 */
export async function applyStageVerdict(
  tx: Tx,
  ctx: ServiceContext,
  job: Job,
  verdict: Verdict,
  touched?: string[],
  holdForReview = false,
): Promise<OutcomeEvent> {
  const task = await loadTask(tx, job.taskId!);
  const run = await loadRun(tx, job.runId);
  const base = { projectId: run.projectId, runId: run.id, taskId: task.id };
  // The task moved on while this job ran (an operator set its stage): the result no longer applies.
  if (task.pipelineStage !== job.stage || run.killedAt) {
    return {
      ...base,
      type: 'job.result_superseded',
      payload: { job_stage: job.stage, task_stage: task.pipelineStage, pass: verdict.pass },
    };
  }
  if (touched) await tx.update(tasks).set({ files: touched }).where(eq(tasks.id, task.id));
  const pipeline = resolvePipeline(run.pipeline);
  const source: FindingSource = stageDefinition(job.stage, pipeline).findingSource;
  if (verdict.pass) {
    await tx
      .update(findings)
      .set({ status: 'fixed' })
      .where(and(eq(findings.taskId, task.id), eq(findings.source, source), eq(findings.status, 'open')));
  }
  const blocking = verdict.findings.filter((finding) => isBlocking(finding.severity));
  const minor = verdict.findings.filter((finding) => !isBlocking(finding.severity));
  const storedBlocking = await storeFindings(tx, job, source, blocking);
  const fixTaskIds: number[] = [];
  for (const finding of minor) {
    const { task: fix } = await insertTask(tx, ctx, run, {
      title: `Fix: ${finding.issue}`.slice(0, 300),
      description: describeFinding(finding),
      priority: priorityForSeverity(finding.severity),
      files: finding.file ? [finding.file] : [],
      source: 'finding',
    });
    const [stored] = await storeFindings(tx, job, source, [finding]);
    await tx.update(findings).set({ fixTaskId: fix.id }).where(eq(findings.id, stored!));
    fixTaskIds.push(fix.id);
  }
  if (verdict.pass && holdForReview) {
    const held = await awaitReview(tx, task);
    return {
      ...base,
      type: 'task.review_requested',
      payload: { stage: held.pipelineStage, version: held.version, fix_task_ids: fixTaskIds },
    };
  }
  const move = advance(task.pipelineStage, verdict.pass ? 'pass' : 'fail', workStagesOf(pipeline));
  const notes = verdict.pass ? 'passed on evidence' : verdict.reasons.join('; ');
  const change = await moveTask(tx, ctx, run, task, move, task.version, notes);
  const escalation = change.loopBack ? await escalateWhenLooping(tx, change, run) : null;
  return {
    ...base,
    type: 'task.stage_result',
    payload: {
      result: verdict.pass ? 'pass' : 'fail',
      from: change.from,
      to: change.to,
      loop_back: change.loopBack,
      loop_backs: change.task.loopBacks,
      reasons: verdict.reasons,
      finding_ids: storedBlocking,
      fix_task_ids: fixTaskIds,
      next_job_id: change.job?.id ?? null,
      released_task_ids: change.released,
      run_phase: change.runPhase,
      escalation_approval_id: escalation?.approvalId ?? null,
    },
  };
}

async function storeFindings(
  tx: Tx,
  job: Job,
  source: FindingSource,
  list: ReportFinding[],
): Promise<number[]> {
  if (list.length === 0) return [];
  const rows = await tx
    .insert(findings)
    .values(
      list.map((finding) => ({
        runId: job.runId,
        taskId: job.taskId,
        jobId: job.id,
        source,
        severity: finding.severity,
        issue: finding.issue,
        file: finding.file ?? null,
        line: finding.line ?? null,
        recommendation: finding.recommendation,
      })),
    )
    .returning({ id: findings.id });
  return rows.map((row) => row.id);
}

function describeFinding(finding: ReportFinding): string {
  const where = finding.file
    ? `${finding.file}${finding.line ? `:${finding.line}` : ''}`
    : 'unspecified location';
  return `${finding.severity} finding at ${where}.\n\n${finding.issue}\n\nRecommendation: ${finding.recommendation}`;
}
