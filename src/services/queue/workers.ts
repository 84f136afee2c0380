/** The `workers` table: who is working, where, and when each was last heard from. */
import { eq, sql } from 'drizzle-orm';
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

/** A heartbeat is bookkeeping, not a state change: no event. */
export async function heartbeatWorker(db: Db, workerId: string): Promise<void> {
  await db.update(workers).set({ lastHeartbeatAt: sql`now()` }).where(eq(workers.id, workerId));
}

export function stopWorker(ctx: ServiceContext, workerId: string, reason: string): Promise<void> {
  return inTransaction(ctx, async (tx) => {
    await tx.update(workers).set({ stoppedAt: sql`now()` }).where(eq(workers.id, workerId));
    await appendEvent(tx, ctx.actor, { type: 'worker.stopped', payload: { worker_id: workerId, reason } });
  });
}
