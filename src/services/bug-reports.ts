/** Bug reports filed from the dashboard's widget. */
import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { bugReports } from '../db/schema.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';

export type BugReport = typeof bugReports.$inferSelect;
export type BugReportStatus = BugReport['status'];

export interface NewBugReport {
  title: string;
  description?: string | undefined;
  pageUrl?: string | null | undefined;
  browserInfo?: string | null | undefined;
}

export function createBugReport(ctx: ServiceContext, input: NewBugReport): Promise<BugReport> {
  return inTransaction(ctx, async (tx) => {
    const [report] = (await tx
      .insert(bugReports)
      .values({ ...input, reporter: ctx.actor })
      .returning()) as [BugReport];
    await appendEvent(tx, ctx.actor, {
      type: 'bug_report.created',
      payload: { bug_report_id: report.id, title: report.title, page_url: report.pageUrl },
    });
    return report;
  });
}

export function setBugReportStatus(
  ctx: ServiceContext,
  id: number,
  status: BugReportStatus,
): Promise<BugReport> {
  return inTransaction(ctx, async (tx) => {
    const [before] = await tx.select().from(bugReports).where(eq(bugReports.id, id));
    if (!before) throw errors.notFound('bug_report', id);
    const [report] = (await tx
      .update(bugReports)
      .set({ status, updatedAt: sql`now()` })
      .where(eq(bugReports.id, id))
      .returning()) as [BugReport];
    await appendEvent(tx, ctx.actor, {
      type: 'bug_report.status_changed',
      payload: { bug_report_id: id, from: before.status, to: status },
    });
    return report;
  });
}

export async function listBugReports(
  db: Queryable,
  filter: { status?: BugReportStatus | undefined; limit: number; offset: number },
): Promise<{ items: BugReport[]; total: number }> {
  const where: SQL | undefined = filter.status ? eq(bugReports.status, filter.status) : undefined;
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(bugReports).where(where);
  const items = await db
    .select()
    .from(bugReports)
    .where(where)
    .orderBy(desc(bugReports.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items, total: count?.total ?? 0 };
}
