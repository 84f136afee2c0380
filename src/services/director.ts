/**
 * The Director's state and its interventions. Each intervention is applied once, in one transaction with
 * its row: the row's fingerprint is unique, so a second Director (another server on the same database)
 * that proposes the same intervention changes nothing. Which process acts for the Director is a lease on
 * its state row; the fingerprints make even two acting at once safe.
 */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { approvals, directorInterventions, directorState, findings, jobs } from '../db/schema.ts';
import type { Budget, BudgetScope, Spending } from '../domain/budget.ts';
import type { DirectorRuleName, DirectorRuleSettings, InterventionAction } from '../domain/director.ts';
import { runWorkStages } from '../domain/pipeline.ts';
import type { Severity } from '../domain/severity.ts';
import { advance } from '../domain/stages.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { escalateToPerson, leaveDirectorNote, pauseRunForPerson } from './steps/course-correct.ts';
import { insertTask } from './steps/insert-task.ts';
import { openJob } from './steps/jobs.ts';
import { loadRun, loadTask, type Run, type Task } from './steps/load.ts';
import { moveTask } from './steps/move-task.ts';
import { applyPause } from './steps/pause.ts';
import { applyTaskPause } from './steps/task-pause.ts';

export type DirectorState = typeof directorState.$inferSelect;
export type Intervention = typeof directorInterventions.$inferSelect;

export async function getDirectorState(db: Queryable): Promise<DirectorState> {
  const [state] = await db.select().from(directorState).where(eq(directorState.id, 1));
  return state!;
}

export interface DirectorChange {
  enabled?: boolean | undefined;
  /** Installation-wide settings of the rules named (each replaces that rule's settings whole). */
  rules?: DirectorRuleSettings | undefined;
}

/** Turns the Director on or off and sets rules for the whole installation. */
export function updateDirector(ctx: ServiceContext, change: DirectorChange): Promise<DirectorState> {
  return inTransaction(ctx, async (tx) => {
    const before = await getDirectorState(tx);
    const rules = { ...before.rules, ...change.rules };
    const [state] = await tx
      .update(directorState)
      .set({ enabled: change.enabled ?? before.enabled, rules, updatedAt: sql`now()` })
      .where(eq(directorState.id, 1))
      .returning();
    await appendEvent(tx, ctx.actor, {
      type: 'director.updated',
      payload: {
        enabled: state!.enabled,
        was_enabled: before.enabled,
        rules_changed: Object.keys(change.rules ?? {}),
      },
    });
    return state!;
  });
}

/**
 * Takes or renews the lease that lets `leader` act for the Director; false while another process holds an
 * unexpired one. Housekeeping, like a worker's heartbeat: no event.
 */
export async function takeDirectorLease(db: Queryable, leader: string, seconds: number): Promise<boolean> {
  const taken = await db
    .update(directorState)
    .set({ leader, leaseExpiresAt: sql`now() + make_interval(secs => ${seconds})` })
    .where(
      and(
        eq(directorState.id, 1),
        sql`(${directorState.leader} is null or ${directorState.leader} = ${leader} or ${directorState.leaseExpiresAt} < now())`,
      ),
    )
    .returning({ id: directorState.id });
  return taken.length > 0;
}

/** Gives the lease up (a Director stopping), so another may act at once. */
export async function releaseDirectorLease(db: Queryable, leader: string): Promise<void> {
  await db
    .update(directorState)
    .set({ leader: null, leaseExpiresAt: null })
    .where(and(eq(directorState.id, 1), eq(directorState.leader, leader)));
}

export type InterventionPlan =
  /** Opens the job of the task's stage again (the task must still be where the rule saw it, jobless). */
  | { kind: 'requeue' }
  /** Opens the run's integration test job again (a run testing with none). */
  | { kind: 'requeue-test' }
  /** Cancels a running job (its worker stops the agent) and opens its stage's job again. */
  | { kind: 'restart'; jobId: number }
  /** A finding on the task from the Director; a task past DEV goes back to it, a complete one gets a fix task. */
  | { kind: 'finding'; severity: Severity; issue: string; recommendation: string; file: string | null }
  /** Only the record and its event: a person is told. */
  | { kind: 'warn' }
  /** Pauses the task (a task's limits) or the run (a run's or project's) and asks a person to raise the limits. */
  | { kind: 'pause'; scope: BudgetScope; reason: string; budget: Budget; used: Spending }
  /** A course-correct note on the task, for its next agent's prompt. */
  | { kind: 'note'; body: string }
  /** An escalation approval about the task (its waiting job held) or the run. */
  | { kind: 'escalate'; reason: string }
  /** Pauses the run until a person resumes it. */
  | { kind: 'pause-run' };

export interface Proposal {
  rule: DirectorRuleName;
  /** The same situation always has the same fingerprint: it is acted on once. */
  fingerprint: string;
  projectId: number;
  runId: number;
  taskId?: number | null;
  jobId?: number | null;
  /** The task version the rule saw; a task that moved since is left alone. */
  taskVersion?: number;
  evidence: Record<string, unknown>;
  summary: string;
  plan: InterventionPlan;
}

const ACTION_OF: Record<InterventionPlan['kind'], InterventionAction> = {
  requeue: 'requeue',
  'requeue-test': 'requeue',
  restart: 'requeue',
  finding: 'finding',
  warn: 'warn',
  pause: 'pause',
  note: 'note',
  escalate: 'escalate',
  'pause-run': 'pause',
};

/** Applies a proposal once; null when it was applied before (by this or another Director) or no longer applies. */
export function applyIntervention(ctx: ServiceContext, proposal: Proposal): Promise<Intervention | null> {
  return inTransaction(ctx, async (tx) => {
    const applied = await recordInterventionIn(tx, ctx, proposal);
    if (!applied) return null;
    const { intervention, outcome } = applied;
    await appendEvent(tx, ctx.actor, {
      type: 'director.intervened',
      projectId: intervention.projectId,
      runId: intervention.runId,
      taskId: intervention.taskId,
      jobId: intervention.jobId,
      payload: {
        intervention_id: intervention.id,
        rule: intervention.rule,
        action: intervention.action,
        summary: intervention.summary,
        outcome,
      },
    });
    return intervention;
  });
}

/** An intervention carried out: its row (its evidence holds the outcome) and what it did. */
export interface AppliedIntervention {
  intervention: Intervention;
  outcome: Outcome;
}

/**
 * Records and carries out a proposal inside a transaction the caller owns, and writes no event: the
 * caller's one event describes it. applyIntervention adds its `director.intervened`; the LLM review applies
 * its report's items as the outcome of its job (so they land only while the job's lease holds) and names
 * them all in its `director.reviewed`.
 */
export async function recordInterventionIn(
  tx: Tx,
  ctx: ServiceContext,
  proposal: Proposal,
): Promise<AppliedIntervention | null> {
  const [row] = await tx
    .insert(directorInterventions)
    .values({
      rule: proposal.rule,
      fingerprint: proposal.fingerprint,
      projectId: proposal.projectId,
      runId: proposal.runId,
      taskId: proposal.taskId ?? null,
      jobId: proposal.jobId ?? null,
      action: ACTION_OF[proposal.plan.kind],
      evidence: proposal.evidence,
      summary: proposal.summary,
    })
    .onConflictDoNothing({ target: directorInterventions.fingerprint })
    .returning();
  if (!row) return null;
  const run = await loadRun(tx, proposal.runId);
  const task = proposal.taskId ? await loadTask(tx, proposal.taskId) : null;
  if (run.killedAt || (task && proposal.taskVersion !== undefined && task.version !== proposal.taskVersion)) {
    // The situation passed before the Director acted: nothing to do, and nothing recorded.
    await tx.delete(directorInterventions).where(eq(directorInterventions.id, row.id));
    return null;
  }
  const outcome = await carryOut(tx, ctx, run, task, proposal.plan);
  const [recorded] = await tx
    .update(directorInterventions)
    .set({ evidence: { ...proposal.evidence, outcome } })
    .where(eq(directorInterventions.id, row.id))
    .returning();
  return { intervention: recorded!, outcome };
}

type Outcome = Record<string, number | string | null>;

async function carryOut(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  task: Task | null,
  plan: InterventionPlan,
): Promise<Outcome> {
  switch (plan.kind) {
    case 'warn':
      return {};
    case 'requeue': {
      const job = await openJob(tx, ctx, run, {
        kind: 'stage',
        role: task!.pipelineStage,
        taskId: task!.id,
        stage: task!.pipelineStage,
        priority: task!.priority,
      });
      return { job_id: job.id, job_state: job.state };
    }
    case 'requeue-test': {
      if (run.phase !== 'testing') return { skipped: `the run is ${run.phase}` };
      const job = await openJob(tx, ctx, run, { kind: 'integration_test', role: 'qa', priority: 10 });
      return { job_id: job.id, job_state: job.state };
    }
    case 'restart': {
      const cancelled = await cancelRunningJob(tx, plan.jobId, 'the Director found its agent silent');
      if (!cancelled) return { skipped: 'the job was no longer running' };
      const job = await openJob(tx, ctx, run, {
        kind: 'stage',
        role: task!.pipelineStage,
        taskId: task!.id,
        stage: task!.pipelineStage,
        priority: task!.priority,
      });
      return { cancelled_job_id: plan.jobId, job_id: job.id, job_state: job.state };
    }
    case 'finding':
      return sendBackWithFinding(tx, ctx, run, task!, plan);
    case 'pause': {
      const { jobIds } =
        plan.scope === 'task'
          ? await applyTaskPause(tx, run, task!.id, true)
          : await applyPause(tx, run.id, true);
      const [approval] = await tx
        .insert(approvals)
        .values({
          runId: run.id,
          taskId: plan.scope === 'task' ? task!.id : null,
          kind: 'budget',
          requestedBy: 'director',
          reason: plan.reason,
          details: { scope: plan.scope, budget: plan.budget, used: plan.used },
        })
        .returning({ id: approvals.id });
      return {
        approval_id: approval!.id,
        paused: plan.scope === 'task' ? 'task' : 'run',
        held_jobs: jobIds.length,
      };
    }
    case 'note':
      return leaveDirectorNote(tx, task!, plan.body);
    case 'escalate':
      return escalateToPerson(tx, run, task, plan.reason);
    case 'pause-run':
      return pauseRunForPerson(tx, run);
  }
}

/** Cancels `jobId` if it is still running; false when it finished meanwhile. */
async function cancelRunningJob(tx: Tx, jobId: number, reason: string): Promise<boolean> {
  const cancelled = await tx
    .update(jobs)
    .set({ state: 'cancelled', lastError: reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), eq(jobs.state, 'running')))
    .returning({ id: jobs.id });
  return cancelled.length > 0;
}

async function sendBackWithFinding(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  task: Task,
  plan: Extract<InterventionPlan, { kind: 'finding' }>,
): Promise<Outcome> {
  const [finding] = await tx
    .insert(findings)
    .values({
      runId: run.id,
      taskId: task.id,
      source: 'director',
      severity: plan.severity,
      issue: plan.issue,
      file: plan.file,
      recommendation: plan.recommendation,
    })
    .returning({ id: findings.id });
  if (task.pipelineStage === 'complete') {
    const { task: fix } = await insertTask(tx, ctx, run, {
      title: `Fix: ${plan.issue}`.slice(0, 300),
      description: `${plan.issue}\n\nRecommendation: ${plan.recommendation}`,
      priority: 10,
      files: plan.file ? [plan.file] : [],
      source: 'finding',
    });
    await tx.update(findings).set({ fixTaskId: fix.id }).where(eq(findings.id, finding!.id));
    return { finding_id: finding!.id, fix_task_id: fix.id };
  }
  const workStages = runWorkStages(run);
  if (task.pipelineStage === workStages[0] || task.pipelineStage === 'none')
    return { finding_id: finding!.id, moved_to: null };
  const change = await moveTask(
    tx,
    ctx,
    run,
    task,
    advance(task.pipelineStage, 'fail', workStages),
    task.version,
    plan.issue,
  );
  return { finding_id: finding!.id, moved_to: change.to };
}

export interface InterventionFilter {
  rule?: DirectorRuleName | undefined;
  runId?: number | undefined;
  limit: number;
  offset: number;
}

export async function listInterventions(
  db: Queryable,
  filter: InterventionFilter,
): Promise<{ items: Intervention[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.rule) conditions.push(eq(directorInterventions.rule, filter.rule));
  if (filter.runId !== undefined) conditions.push(eq(directorInterventions.runId, filter.runId));
  const where = and(...conditions);
  const [count] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(directorInterventions)
    .where(where);
  const items = await db
    .select()
    .from(directorInterventions)
    .where(where)
    .orderBy(desc(directorInterventions.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items, total: count?.total ?? 0 };
}
