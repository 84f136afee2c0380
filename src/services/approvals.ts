/** Approvals: requests for a human decision. Requests and decisions arrive with the CICD flow. */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { approvals } from '../db/schema.ts';

export type Approval = typeof approvals.$inferSelect;

export async function listApprovals(
  db: Queryable,
  filter: {
    state?: Approval['state'] | undefined;
    runId?: number | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: Approval[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(approvals.state, filter.state));
  if (filter.runId !== undefined) conditions.push(eq(approvals.runId, filter.runId));
  const where = and(...conditions);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(approvals).where(where);
  const items = await db
    .select()
    .from(approvals)
    .where(where)
    .orderBy(desc(approvals.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { items, total: count?.total ?? 0 };
}
