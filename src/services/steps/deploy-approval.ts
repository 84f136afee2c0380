/**
 * A run that passed its tests asks a person whether to deploy it, at once: one pending deploy approval, with
 * what the person decides on (the change, its test, findings still open, what it cost), and the run waits in
 * `awaiting_approval`.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { approvals, findings, jobs } from '../../db/schema.ts';
import { type DeployDetails, type DiffSummary, MAX_LISTED_FINDINGS } from '../../domain/release.ts';
import type { ServiceContext } from '../context.ts';
import { usageOf } from '../run-usage.ts';
import type { Run } from './load.ts';
import { enterPhase } from './phases.ts';

export interface TestEvidence {
  command: string | null;
  exitCode: number | null;
}

export type Approval = typeof approvals.$inferSelect;

async function openFindingsOf(tx: Tx, runId: number): Promise<DeployDetails['openFindings']> {
  const open = and(eq(findings.runId, runId), eq(findings.status, 'open'));
  const counts = await tx
    .select({ severity: findings.severity, count: sql<number>`count(*)::int` })
    .from(findings)
    .where(open)
    .groupBy(findings.severity);
  const items = await tx
    .select({ id: findings.id, severity: findings.severity, issue: findings.issue, file: findings.file })
    .from(findings)
    .where(open)
    .orderBy(desc(findings.id))
    .limit(MAX_LISTED_FINDINGS);
  return {
    total: counts.reduce((sum, row) => sum + row.count, 0),
    bySeverity: Object.fromEntries(counts.map((row) => [row.severity, row.count])),
    items,
  };
}

export async function requestDeployApproval(
  tx: Tx,
  ctx: ServiceContext,
  run: Run,
  evidence: { diff: DiffSummary | null; test: TestEvidence },
): Promise<{ approval: Approval; run: Run }> {
  const usage = (await usageOf(tx, [run.id])).get(run.id)!;
  const details: DeployDetails = {
    diff: evidence.diff,
    test: { ...evidence.test, passed: true },
    openFindings: await openFindingsOf(tx, run.id),
    usage,
  };
  const change = evidence.diff
    ? `${evidence.diff.commits} commits, ${evidence.diff.filesChanged} files (+${evidence.diff.insertions} -${evidence.diff.deletions})`
    : 'its changes';
  const [approval] = await tx
    .insert(approvals)
    .values({
      runId: run.id,
      kind: 'deploy',
      requestedBy: ctx.actor ?? 'workhorse',
      reason: `run ${run.id} passed ${evidence.test.command ? `\`${evidence.test.command}\`` : 'its tasks'} with ${change} on ${run.branch}; approve to release and deploy it`,
      details,
    })
    .returning();
  const waiting = await enterPhase(tx, ctx.actor, run, 'awaiting_approval');
  return { approval: approval!, run: waiting };
}

/** What the run's last passing test job found: its command and exit, and the change it tested. */
export async function lastTestEvidence(
  tx: Tx,
  runId: number,
): Promise<{ diff: DiffSummary | null; test: TestEvidence }> {
  const [last] = await tx
    .select({ report: jobs.report })
    .from(jobs)
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'integration_test'), eq(jobs.state, 'succeeded')))
    .orderBy(desc(jobs.id))
    .limit(1);
  const report = (last?.report ?? {}) as {
    gate?: { command?: string; exitCode?: number | null } | null;
    diff?: DiffSummary | null;
  };
  return {
    diff: report.diff ?? null,
    test: { command: report.gate?.command ?? null, exitCode: report.gate?.exitCode ?? null },
  };
}
