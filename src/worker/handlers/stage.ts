/**
 * The stage job: one task's stage of its run's pipeline (dev, qa, sec, docs, or a project's own command
 * stage), run by an agent in the task's worktree and judged by evidence (the agent's exit, its report, the
 * project's gates, Workhorse's own checks), never by its word. The pipeline table says which evidence.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { discardedRef, wipRef } from '../../domain/git-names.ts';
import {
  type CheckKind,
  GATE_COMMANDS,
  isGate,
  mergesOnPass,
  resolvePipeline,
  type StageDefinition,
  stageDefinition,
} from '../../domain/pipeline.ts';
import type { ReportFinding } from '../../domain/reports.ts';
import { ALL_REPORT_FILES, reviewReportSchema } from '../../domain/reports.ts';
import { reviewRequired } from '../../domain/review.ts';
import type { GateResult, StageEvidence } from '../../domain/verdict.ts';
import { judgeStage } from '../../domain/verdict.ts';
import { applyStageVerdict } from '../../services/stage-results.ts';
import { loadRun } from '../../services/steps/load.ts';
import { loadWorkContext, type WorkContext } from '../../services/work-context.ts';
import { catchUpWithRunBranch } from '../catch-up.ts';
import { conflictsCheck, halfResolvedMerge } from '../conflicts.ts';
import { changedFiles, commitAll, commitsAhead, diffOf, type Repository } from '../git.ts';
import { type JobHandler, type JobRunContext, PermanentJobError } from '../handler.ts';
import { runProjectCommand } from '../project-command.ts';
import type { MergeConflicts } from '../prompt.ts';
import { loadReport } from '../report-file.ts';
import { localRepository } from '../repository.ts';
import { type AgentWorkOptions, resultContext, runAgentForJob, usageOf } from '../run-agent-for-job.ts';
import {
  clearStaleGitLocks,
  discardChanges,
  ensureRunBranch,
  ensureTaskWorktree,
  removeWorktree,
  saveWip,
  type TaskWorktree,
} from '../worktrees.ts';
import { failedAgentError } from './agent-failure.ts';
import { mergeWithRunTests } from './merge.ts';

/** Report files are evidence for Workhorse, not part of the change: they never reach a commit. */
function removeReports(worktree: string): void {
  for (const file of ALL_REPORT_FILES) rmSync(join(worktree, file), { force: true });
}

const DOC_PATH = /(^|\/)(readme|changelog|docs?\/)|\.mdx?$/i;
const EXPORT_LINE = /^[+-](?!\+\+|--).*\b(export|module\.exports|public)\b/m;

/** A change to an exported (public) interface must come with a documentation change. */
async function docsCheck(wt: TaskWorktree): Promise<ReportFinding[]> {
  const files = await changedFiles(wt, wt.base);
  const code = files.filter((file) => !DOC_PATH.test(file));
  if (files.some((file) => DOC_PATH.test(file)) || code.length === 0) return [];
  if (!EXPORT_LINE.test(await diffOf(wt, wt.base))) return [];
  return [
    {
      severity: 'high',
      issue: 'the task changed a public interface (exported code) but no documentation changed',
      file: code[0] ?? null,
      line: null,
      recommendation: 'document the changed interface in the README or docs/, or in the module doc comments',
    },
  ];
}

type OwnCheck = 'conflicts' | 'changes' | 'docs';

function isOwnCheck(check: CheckKind): check is OwnCheck {
  return check === 'conflicts' || check === 'changes' || check === 'docs';
}

/** Workhorse's own check of the task branch, by kind; the gates run the project's commands instead. */
async function ownCheck(check: OwnCheck, wt: TaskWorktree): Promise<ReportFinding[]> {
  if (check === 'docs') return docsCheck(wt);
  if (check === 'conflicts') return conflictsCheck(wt);
  if ((await commitsAhead(wt, wt.base)) > 0) return [];
  return [
    {
      severity: 'high',
      issue: 'DEV left no changes on the task branch',
      file: null,
      line: null,
      recommendation: 'implement the task and leave the change in the worktree',
    },
  ];
}

async function collectEvidence(
  context: WorkContext,
  stage: StageDefinition,
  wt: TaskWorktree,
  repo: Repository,
  options: AgentWorkOptions,
  signal: AbortSignal,
) {
  const { reportFile } = stage;
  // Read before anything else touches the worktree; parsed (and judged) below.
  const parsed = reportFile ? loadReport(reviewReportSchema, wt.path, reportFile) : null;
  removeReports(wt.path);
  // Reviewers judge; they do not change the code. Whatever they changed is set aside before the gates run,
  // so that a test "fixed" by QA can neither pass the gate nor reach a later commit.
  const discarded =
    stage.edits === 'discard' ? await discardChanges(wt, context.task!.id, reviewerRef(context)) : [];
  // A half-resolved merge stays uncommitted: the conflicts check fails the stage and the next DEV attempt
  // goes on from the worktree, the merge still in progress.
  if (stage.edits === 'commit' && !(await halfResolvedMerge(wt))) {
    await commitAll(
      wt,
      `wh(${stage.stage}): ${context.task!.title}\n\nCommitted by Workhorse after the ${stage.stage} agent.`,
    );
  }
  const gates: GateResult[] = [];
  const checks: ReportFinding[] = [];
  for (const check of stage.checks) {
    if (isOwnCheck(check)) {
      checks.push(...(await ownCheck(check, wt)));
      continue;
    }
    const [name, command] = isGate(check)
      ? [check, context.project[GATE_COMMANDS[check]]]
      : [stage.stage, stage.command];
    if (!command) continue;
    gates.push(await runProjectCommand({ options, context, repo, signal }, name, command, wt.path));
  }
  const evidence: StageEvidence = {
    report: {
      required: reportFile !== null,
      file: reportFile ?? '',
      parsed: parsed?.ok ? parsed.value : null,
      error: parsed && !parsed.ok ? parsed.error : null,
    },
    gates,
    checks,
  };
  return { evidence, discarded };
}

/**
 * DEV works on its task branch brought up to date with the run branch (catch-up.ts): what conflicts is its
 * agent's to resolve, named in its prompt.
 */
async function conflictsToResolve(wt: TaskWorktree): Promise<MergeConflicts | null> {
  const caughtUp = await catchUpWithRunBranch(wt);
  if (caughtUp.state !== 'conflicts' || caughtUp.files.length === 0) return null;
  return { runBranch: wt.base, files: caughtUp.files };
}

/**
 * An agent that stopped early leaves its partial work saved: DEV's at its WIP ref (the next attempt goes
 * on from the files as they are). When its run was killed, the worktree goes, after saving what it held.
 */
async function keepWorkInProgress(
  run: JobRunContext,
  context: WorkContext,
  repo: Repository,
  wt: TaskWorktree,
) {
  const { task, job } = context;
  const ref = wipRef(context.installation, task!.id, job.attempt);
  const current = await loadRun(run.db, context.run.id);
  if (current.killedAt) await removeWorktree(repo, wt.path, task!.id, ref);
  else if (job.stage === 'dev') await saveWip(wt, task!.id, ref);
}

/** Where this job sets aside changes that do not count (a reviewer's, or left over before a review). */
function reviewerRef(context: WorkContext): string {
  return discardedRef(context.installation, context.task!.id, context.job.id);
}

export function createStageHandler(options: AgentWorkOptions): JobHandler {
  return async (run) => {
    const context = await loadWorkContext(run.db, run.job);
    if (!context.task || !context.job.stage)
      throw new PermanentJobError('a stage job needs a task and a stage');
    const repo = await localRepository(context.project.id, context.project.repository, options.workspace);
    await ensureRunBranch(repo, context.run.branch!, context.project.defaultBranch);
    const wt = await ensureTaskWorktree(repo, options.workspace, context.run.branch!, context.task.id);
    // This job's lease makes it the one worker on this task: a git lock left here is a killed one's.
    clearStaleGitLocks(repo, wt, [wt.branch]);
    removeReports(wt.path);
    // Every stage after DEV judges what is committed on the task branch, nothing left over.
    if (context.job.stage !== 'dev') await discardChanges(wt, context.task.id, reviewerRef(context));
    const pipeline = resolvePipeline(context.run.pipeline);
    const stage = stageDefinition(context.job.stage, pipeline);
    // A project's own stage is its command alone; every other stage is an agent's work, then the evidence.
    const conflicts = context.job.stage === 'dev' ? await conflictsToResolve(wt) : null;
    const agent =
      stage.command === null
        ? await runAgentForJob(run, context, wt.path, repo, options, { mergeConflicts: conflicts })
        : null;
    const usage = agent ? usageOf(agent) : {};
    if (agent && !agent.result.summary.ok) {
      await keepWorkInProgress(run, context, repo, wt);
      throw failedAgentError(agent.result, usage);
    }
    const { evidence, discarded } = await collectEvidence(context, stage, wt, repo, options, run.signal);
    let verdict = judgeStage(evidence);
    // What DEV actually changed replaces what the plan expected: later tasks are scheduled around it.
    const touched = context.job.stage === 'dev' && verdict.pass ? await changedFiles(wt, wt.base) : undefined;
    // With review required the merge waits for a person: their acceptance queues it (handlers/merge.ts).
    const holdForReview =
      verdict.pass && mergesOnPass(stage.stage, pipeline) && reviewRequired(context.project.settings);
    if (verdict.pass && mergesOnPass(stage.stage, pipeline) && !holdForReview) {
      const merged = await mergeWithRunTests(run, context, repo, wt.branch, options);
      if (!merged.ok) verdict = judgeStage({ ...evidence, checks: [...evidence.checks, merged.finding] });
    }
    return {
      report: {
        verdict,
        // The project's commands as they ran: what the Director's false-done rule reads.
        gates: evidence.gates,
        // Whether the stage's report file parsed: evidence a person reads beside the verdict.
        ...(evidence.report.required
          ? {
              report_file: {
                file: evidence.report.file,
                parsed: evidence.report.parsed !== null,
                error: evidence.report.error,
              },
            }
          : {}),
        ...(agent ? { agent: { final_text: agent.result.summary.finalText.slice(-2000) } } : {}),
        ...(discarded.length > 0 ? { discarded_changes: discarded } : {}),
      },
      usage,
      apply: (tx, job) =>
        applyStageVerdict(tx, resultContext(run, options), job, verdict, touched, holdForReview),
    };
  };
}
