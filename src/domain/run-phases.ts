/**
 * Run phases: planning -> building -> testing -> ready_for_commit -> awaiting_approval -> deploying -> deployed,
 * or failed, or killed. A failure while testing or deploying returns the run to building with fix tasks.
 */
export const RUN_PHASES = Object.freeze([
  'planning',
  'building',
  'testing',
  'ready_for_commit',
  'awaiting_approval',
  'deploying',
  'deployed',
  'failed',
  'killed',
] as const);
export type RunPhase = (typeof RUN_PHASES)[number];

const TERMINAL: readonly RunPhase[] = ['deployed', 'failed', 'killed'];

const ALLOWED: Readonly<Record<RunPhase, readonly RunPhase[]>> = Object.freeze({
  planning: ['building', 'failed', 'killed'],
  building: ['testing', 'failed', 'killed'],
  testing: ['ready_for_commit', 'building', 'failed', 'killed'],
  ready_for_commit: ['awaiting_approval', 'building', 'failed', 'killed'],
  awaiting_approval: ['deploying', 'ready_for_commit', 'building', 'failed', 'killed'],
  deploying: ['deployed', 'building', 'failed', 'killed'],
  deployed: [],
  failed: [],
  killed: [],
});

export function isRunPhase(value: unknown): value is RunPhase {
  return typeof value === 'string' && (RUN_PHASES as readonly string[]).includes(value);
}

/** A terminal run takes no more work: no jobs, no task changes. */
export function isTerminalPhase(phase: RunPhase): boolean {
  return TERMINAL.includes(phase);
}

export function allowedPhasesFrom(phase: RunPhase): readonly RunPhase[] {
  return ALLOWED[phase];
}

export type PhaseMove =
  | { ok: true; from: RunPhase; to: RunPhase }
  | { ok: false; from: RunPhase; reason: string };

export function movePhase(from: RunPhase, to: RunPhase): PhaseMove {
  if (ALLOWED[from].includes(to)) return { ok: true, from, to };
  if (isTerminalPhase(from)) return { ok: false, from, reason: `the run is ${from}; it cannot change phase` };
  return { ok: false, from, reason: `a run cannot go from ${from} to ${to}` };
}

/** Phases in which tasks may be created, moved and worked on. */
export function acceptsTaskWork(phase: RunPhase): boolean {
  return phase === 'planning' || phase === 'building';
}
