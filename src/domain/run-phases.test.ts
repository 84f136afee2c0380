import { describe, expect, it } from 'vitest';
import {
  acceptsTaskWork,
  allowedPhasesFrom,
  isRunPhase,
  isTerminalPhase,
  movePhase,
  RUN_PHASES,
  type RunPhase,
} from './run-phases.ts';

const ALL_PHASES: RunPhase[] = [
  'planning',
  'building',
  'testing',
  'ready_for_commit',
  'awaiting_approval',
  'deploying',
  'deployed',
  'failed',
  'killed',
];

/** Every allowed phase move, written out; any pair not listed must be refused. */
const ALLOWED: Record<RunPhase, RunPhase[]> = {
  planning: ['building', 'failed', 'killed'],
  building: ['testing', 'failed', 'killed'],
  testing: ['ready_for_commit', 'building', 'failed', 'killed'],
  ready_for_commit: ['awaiting_approval', 'building', 'failed', 'killed'],
  awaiting_approval: ['deploying', 'ready_for_commit', 'building', 'failed', 'killed'],
  deploying: ['deployed', 'building', 'failed', 'killed'],
  deployed: [],
  failed: [],
  killed: [],
};

const TERMINAL: RunPhase[] = ['deployed', 'failed', 'killed'];
const TASK_WORK: RunPhase[] = ['planning', 'building'];
const NON_MEMBERS: unknown[] = ['DEV', '', undefined, 3, null, 'Planning', 'ready-for-commit', 'complete'];

describe('RUN_PHASES', () => {
  it('lists the phases in order', () => {
    expect([...RUN_PHASES]).toEqual(ALL_PHASES);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(RUN_PHASES)).toBe(true);
  });
});

describe('isRunPhase', () => {
  it.each(ALL_PHASES)('accepts %s', (phase) => {
    expect(isRunPhase(phase)).toBe(true);
  });

  it.each(NON_MEMBERS)('rejects %o', (value) => {
    expect(isRunPhase(value)).toBe(false);
  });
});

describe('isTerminalPhase', () => {
  it.each(ALL_PHASES.map((phase) => [phase, TERMINAL.includes(phase)] as const))(
    '%s -> %s',
    (phase, expected) => {
      expect(isTerminalPhase(phase)).toBe(expected);
    },
  );

  it.each(['DEV', ''])('is false for non-phase %o', (value) => {
    expect(isTerminalPhase(value as RunPhase)).toBe(false);
  });
});

describe('acceptsTaskWork', () => {
  it.each(ALL_PHASES.map((phase) => [phase, TASK_WORK.includes(phase)] as const))(
    '%s -> %s',
    (phase, expected) => {
      expect(acceptsTaskWork(phase)).toBe(expected);
    },
  );

  it.each(['DEV', ''])('is false for non-phase %o', (value) => {
    expect(acceptsTaskWork(value as RunPhase)).toBe(false);
  });
});

describe('allowedPhasesFrom', () => {
  it.each(ALL_PHASES)('%s matches the expected table', (phase) => {
    expect([...allowedPhasesFrom(phase)].sort()).toEqual([...ALLOWED[phase]].sort());
  });

  it.each(TERMINAL)('terminal phase %s allows nothing', (phase) => {
    expect(allowedPhasesFrom(phase)).toHaveLength(0);
  });
});

describe('movePhase', () => {
  const cases = ALL_PHASES.flatMap((from) =>
    ALL_PHASES.map((to) => [from, to, ALLOWED[from].includes(to)] as const),
  );

  it('allows from each phase exactly its row of the table, through allowedPhasesFrom too', () => {
    for (const from of ALL_PHASES)
      expect([...allowedPhasesFrom(from)].sort()).toEqual([...ALLOWED[from]].sort());
  });

  it.each(cases)('movePhase(%s, %s) ok=%s', (from, to, ok) => {
    const move = movePhase(from, to);
    if (ok) {
      expect(move).toEqual({ ok: true, from, to });
    } else {
      expect(move.ok).toBe(false);
      expect(move.from).toBe(from);
      if (move.ok) return;
      expect(move.reason.length).toBeGreaterThan(0);
      if (TERMINAL.includes(from)) {
        expect(move.reason).toBe(`the run is ${from}; it cannot change phase`);
      } else {
        expect(move.reason).toBe(`a run cannot go from ${from} to ${to}`);
      }
    }
  });

  it('no phase may move to itself', () => {
    for (const phase of ALL_PHASES) expect(movePhase(phase, phase).ok).toBe(false);
  });

  it('every non-terminal phase may fail or be killed', () => {
    for (const phase of ALL_PHASES.filter((p) => !TERMINAL.includes(p))) {
      expect(movePhase(phase, 'failed').ok).toBe(true);
      expect(movePhase(phase, 'killed').ok).toBe(true);
    }
  });

  it('a failure while testing or deploying returns the run to building', () => {
    expect(movePhase('testing', 'building').ok).toBe(true);
    expect(movePhase('deploying', 'building').ok).toBe(true);
  });
});
