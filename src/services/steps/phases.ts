/**
 * The one way a run changes phase: the move is checked against the phase machine, every phase a run enters
 * is kept in its history (run_phase_changes), and each move is a `run.phase_changed` event beside the event
 * of the change that caused it, so that a subscriber follows every run's phases from one event type.
 */
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { runPhaseChanges, runs } from '../../db/schema.ts';
import { movePhase, type RunPhase } from '../../domain/run-phases.ts';
import { errors } from '../../errors/catalogue.ts';
import { appendEvent } from '../events.ts';
import type { Run } from './load.ts';

/** Throws unless `run` may move to `to`: for callers that check before doing the rest of their work. */
export function assertPhaseMove(run: Pick<Run, 'id' | 'phase'>, to: RunPhase): void {
  const move = movePhase(run.phase, to);
  if (!move.ok) throw errors.illegalPhaseMove(run.id, run.phase, move.reason);
}

export async function enterPhase(
  tx: Tx,
  actor: string | null,
  run: Pick<Run, 'id' | 'phase' | 'projectId'>,
  to: RunPhase,
  also: Partial<Pick<Run, 'killedAt' | 'releasedCommit'>> | { killedAt: ReturnType<typeof sql> } = {},
): Promise<Run> {
  assertPhaseMove(run, to);
  const [updated] = await tx
    .update(runs)
    .set({ phase: to, updatedAt: sql`now()`, ...also })
    .where(eq(runs.id, run.id))
    .returning();
  await tx.insert(runPhaseChanges).values({ runId: run.id, fromPhase: run.phase, toPhase: to });
  await appendEvent(tx, actor, {
    type: 'run.phase_changed',
    projectId: run.projectId,
    runId: run.id,
    payload: { from: run.phase, to },
  });
  return updated!;
}

/** The phase a new run starts in, as the first entry of its history. */
export async function recordFirstPhase(tx: Tx, run: Pick<Run, 'id' | 'phase'>): Promise<void> {
  await tx.insert(runPhaseChanges).values({ runId: run.id, fromPhase: null, toPhase: run.phase });
}
