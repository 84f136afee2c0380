/** A run's timeline: every phase it has entered, from which, and when, oldest first. */
import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { runPhaseChanges } from '../db/schema.ts';
import { loadRun } from './steps/load.ts';

export type PhaseChange = Omit<typeof runPhaseChanges.$inferSelect, 'id' | 'runId'>;

export async function runTimeline(db: Queryable, runId: number): Promise<{ items: PhaseChange[] }> {
  await loadRun(db, runId);
  const items = await db
    .select({
      fromPhase: runPhaseChanges.fromPhase,
      toPhase: runPhaseChanges.toPhase,
      at: runPhaseChanges.at,
    })
    .from(runPhaseChanges)
    .where(eq(runPhaseChanges.runId, runId))
    .orderBy(asc(runPhaseChanges.id));
  return { items };
}
