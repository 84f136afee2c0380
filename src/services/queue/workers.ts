/** The `workers` table: who is working, where, and when each was last heard from. */
import { and, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { workers } from '../../db/schema.ts';
import { inTransaction, type ServiceContext } from '../context.ts';
import { appendEvent } from '../events.ts';

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
}

export function registerWorker(ctx: ServiceContext, worker: WorkerIdentity): Promise<void> {
  return inTransaction(ctx, async (tx) => {
    await tx.insert(workers).values(worker);
    await appendEvent(tx, ctx.actor, { type: 'worker.started', payload: { ...worker } });
  });
}

/**
 * A heartbeat is bookkeeping, not a state change: no event. Returns false when the worker had been marked
 * lost meanwhile (it stalled past its deadline), so that it can announce it is back.
 */
export async function heartbeatWorker(db: Db, workerId: string): Promise<boolean> {
  const [row] = await db
    .update(workers)
    .set({ lastHeartbeatAt: sql`now()` })
    .where(eq(workers.id, workerId))
    .returning({ stoppedAt: workers.stoppedAt });
  return row !== undefined && row.stoppedAt === null;
}

/** A worker marked lost that is heard from again is live again. */
export function reviveWorker(ctx: ServiceContext, workerId: string): Promise<void> {
  return inTransaction(ctx, async (tx) => {
    const revived = await tx
      .update(workers)
      .set({ stoppedAt: null })
      .where(and(eq(workers.id, workerId), isNotNull(workers.stoppedAt)))
      .returning({ id: workers.id });
    if (revived.length === 0) return;
    await appendEvent(tx, ctx.actor, { type: 'worker.returned', payload: { worker_id: workerId } });
  });
}

/**
 * Marks stopped every worker not heard from for `overdueSeconds` (killed, its machine gone): it no longer
 * shows as live. One event per worker, in one transaction. Returns their ids.
 */
export function markLostWorkers(ctx: ServiceContext, overdueSeconds: number): Promise<string[]> {
  return inTransaction(ctx, async (tx) => {
    const lost = await tx
      .update(workers)
      .set({ stoppedAt: sql`now()` })
      .where(
        and(
          isNull(workers.stoppedAt),
          lt(workers.lastHeartbeatAt, sql`now() - make_interval(secs => ${overdueSeconds})`),
        ),
      )
      .returning({
        id: workers.id,
        host: workers.host,
        pid: workers.pid,
        lastHeartbeatAt: workers.lastHeartbeatAt,
      });
    for (const worker of lost) {
      await appendEvent(tx, ctx.actor, {
        type: 'worker.lost',
        payload: {
          worker_id: worker.id,
          host: worker.host,
          pid: worker.pid,
          last_heartbeat_at: worker.lastHeartbeatAt.toISOString(),
          reason: `no heartbeat for ${overdueSeconds} s`,
        },
      });
    }
    return lost.map((worker) => worker.id);
  });
}

export function stopWorker(ctx: ServiceContext, workerId: string, reason: string): Promise<void> {
  return inTransaction(ctx, async (tx) => {
    await tx.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, workerId));
    await appendEvent(tx, ctx.actor, { type: 'worker.stopped', payload: { worker_id: workerId, reason } });
  });
}
