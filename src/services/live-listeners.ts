/**
 * A process announces that it has live event subscribers, so that new events are NOTIFYed (see migration
 * 0004). Presence is bookkeeping with an expiry, not a state change: it writes no event, and a crashed
 * process's row simply expires.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { liveListeners } from '../db/schema.ts';

export const PRESENCE_SECONDS = 30;

export async function announceListener(db: Db, processId: string): Promise<void> {
  await db
    .insert(liveListeners)
    .values({ processId, expiresAt: sql`now() + ${PRESENCE_SECONDS} * interval '1 second'` })
    .onConflictDoUpdate({
      target: liveListeners.processId,
      set: { expiresAt: sql`now() + ${PRESENCE_SECONDS} * interval '1 second'` },
    });
}

export async function withdrawListener(db: Db, processId: string): Promise<void> {
  await db.delete(liveListeners).where(eq(liveListeners.processId, processId));
}
