/** Findings: bugs, vulnerabilities and standards breaches found by QA, SEC, DOCS, a gate or the Director. */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { findings } from '../db/schema.ts';
import type { FindingSource, FindingStatus, Severity } from '../domain/severity.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadRun, loadTask } from './steps/load.ts';

export type Finding = typeof findings.$inferSelect;

export interface NewFinding {
  runId: number;
  taskId?: number | null | undefined;
  source: FindingSource;
  severity: Severity;
  issue: string;
  file?: string | null | undefined;
  line?: number | null | undefined;
  recommendation?: string | undefined;
}

export function createFinding(ctx: ServiceContext, input: NewFinding): Promise<Finding> {
  return inTransaction(ctx, async (tx) => {
    const run = await loadRun(tx, input.runId);
    if (input.taskId != null) {
      const task = await loadTask(tx, input.taskId);
      if (task.runId !== run.id) throw errors.foreignDependency([task.id], run.id);
    }
    const [finding] = (await tx.insert(findings).values(input).returning()) as [Finding];
    await appendEvent(tx, ctx.actor, {
      type: 'finding.created',
      projectId: run.projectId,
      runId: run.id,
      taskId: finding.taskId,
      payload: {
        finding_id: finding.id,
        severity: finding.severity,
        source: finding.source,
        issue: finding.issue,
      },
    });
    return finding;
  });
}

export function setFindingStatus(
  ctx: ServiceContext,
  findingId: number,
  status: FindingStatus,
): Promise<Finding> {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(findings).where(eq(findings.id, findingId));
    if (!before) throw errors.notFound('finding', findingId);
    const [finding] = (await tx
      .update(findings)
      .set({ status, updatedAt: sql`now()` })
      .where(eq(findings.id, findingId))
      .returning()) as [Finding];
    const run = await loadRun(tx, finding.runId);
    await appendEvent(tx, ctx.actor, {
      type: 'finding.status_changed',
      projectId: run.projectId,
      runId: finding.runId,
      taskId: finding.taskId,
      payload: { finding_id: findingId, from: before.status, to: status },
    });
    return finding;
  });
}

export async function getFinding(db: Queryable, findingId: number): Promise<Finding> {
  const [finding] = await db.select().from(findings).where(eq(findings.id, findingId));
  if (!finding) throw errors.notFound('finding', findingId);
  return finding;
}

export interface FindingFilter {
  runId?: number | undefined;
  taskId?: number | undefined;
  severity?: Severity | undefined;
  status?: FindingStatus | undefined;
  limit: number;
  offset: number;
}

export async function listFindings(
  db: Queryable,
  filter: FindingFilter,
): Promise<{ items: Finding[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.runId !== undefined) conditions.push(eq(findings.runId, filter.runId));
  if (filter.taskId !== undefined) conditions.push(eq(findings.taskId, filter.taskId));
  if (filter.severity !== undefined) conditions.push(eq(findings.severity, filter.severity));
  if (filter.status !== undefined) conditions.push(eq(findings.status, filter.status));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(findings).where(where);
  const items = await db
    .select()
    .from(findings)
    .where(where)
    .orderBy(desc(findings.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items, total: count?.total ?? 0 };
}
