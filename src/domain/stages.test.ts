import { describe, expect, it } from 'vitest';
import {
  advance,
  isComplete,
  isStage,
  isWorkStage,
  runStage,
  STAGE_RESULTS,
  STAGES,
  type Stage,
  type StageResult,
  setStage,
  stageRank,
  WORK_STAGES,
} from './stages.ts';

const ALL_STAGES = ['none', 'dev', 'qa', 'sec', 'docs', 'complete'] as const;
type BuiltIn = (typeof ALL_STAGES)[number];
const ALL_RESULTS: StageResult[] = ['pass', 'fail'];

/** Expected outcome of advance(stage, result): null means refused. */
const ADVANCE: Record<BuiltIn, Record<StageResult, { to: Stage; loopBack: boolean } | null>> = {
  none: { pass: { to: 'dev', loopBack: false }, fail: null },
  dev: { pass: { to: 'qa', loopBack: false }, fail: { to: 'dev', loopBack: true } },
  qa: { pass: { to: 'sec', loopBack: false }, fail: { to: 'dev', loopBack: true } },
  sec: { pass: { to: 'docs', loopBack: false }, fail: { to: 'dev', loopBack: true } },
  docs: { pass: { to: 'complete', loopBack: false }, fail: { to: 'dev', loopBack: true } },
  complete: { pass: null, fail: null },
};

/** Expected outcome of setStage(from, to): true means allowed. */
const SET_STAGE: Record<BuiltIn, Record<BuiltIn, boolean>> = {
  none: { none: false, dev: true, qa: true, sec: true, docs: true, complete: true },
  dev: { none: true, dev: false, qa: true, sec: true, docs: true, complete: true },
  qa: { none: true, dev: true, qa: false, sec: true, docs: true, complete: true },
  sec: { none: true, dev: true, qa: true, sec: false, docs: true, complete: true },
  docs: { none: true, dev: true, qa: true, sec: true, docs: false, complete: true },
  complete: { none: true, dev: true, qa: true, sec: true, docs: true, complete: false },
};

const NON_MEMBERS: unknown[] = ['DEV', '', undefined, 3, null, 'Complete', ' dev', {}];

describe('stage constants', () => {
  it('lists the stages, work stages and results in pipeline order', () => {
    expect([...STAGES]).toEqual(['none', 'dev', 'qa', 'sec', 'docs', 'complete']);
    expect([...WORK_STAGES]).toEqual(['dev', 'qa', 'sec', 'docs']);
    expect([...STAGE_RESULTS]).toEqual(['pass', 'fail']);
  });

  it.each([
    ['STAGES', STAGES],
    ['WORK_STAGES', WORK_STAGES],
    ['STAGE_RESULTS', STAGE_RESULTS],
  ])('%s is frozen', (_name, value) => {
    expect(Object.isFrozen(value)).toBe(true);
  });
});

describe('isStage', () => {
  it.each(ALL_STAGES)('accepts %s', (stage) => {
    expect(isStage(stage)).toBe(true);
  });

  it.each(NON_MEMBERS)('rejects %o', (value) => {
    expect(isStage(value)).toBe(false);
  });
});

describe('isWorkStage', () => {
  it.each([
    ['none', false],
    ['dev', true],
    ['qa', true],
    ['sec', true],
    ['docs', true],
    ['complete', false],
  ] as const)('%s -> %s', (stage, expected) => {
    expect(isWorkStage(stage)).toBe(expected);
  });

  it.each(['DEV', '', 'pass'])('rejects non-stage string %o', (value) => {
    expect(isWorkStage(value as Stage)).toBe(false);
  });
});

describe('isComplete', () => {
  it.each([
    ['none', false],
    ['dev', false],
    ['qa', false],
    ['sec', false],
    ['docs', false],
    ['complete', true],
  ] as const)('%s -> %s', (stage, expected) => {
    expect(isComplete(stage)).toBe(expected);
  });
});

describe('stageRank', () => {
  it.each([
    ['none', 0],
    ['dev', 1],
    ['qa', 2],
    ['sec', 3],
    ['docs', 4],
    ['complete', 5],
  ] as const)('%s has rank %i', (stage, rank) => {
    expect(stageRank(stage)).toBe(rank);
  });
});

describe('advance', () => {
  const cases = ALL_STAGES.flatMap((from) =>
    ALL_RESULTS.map((result) => [from, result, ADVANCE[from][result]] as const),
  );

  it('moves each stage on each result exactly as the table says, as a whole', () => {
    const moves = ALL_STAGES.map((from) =>
      ALL_RESULTS.map((result) => {
        const move = advance(from, result);
        return move.ok ? { to: move.to, loopBack: move.loopBack } : null;
      }),
    );
    expect(moves).toEqual(ALL_STAGES.map((from) => ALL_RESULTS.map((result) => ADVANCE[from][result])));
  });

  it.each(cases)('advance(%s, %s) -> %o', (from, result, expected) => {
    const move = advance(from, result);
    if (expected === null) {
      expect(move.ok).toBe(false);
      expect(move.from).toBe(from);
      if (!move.ok) expect(move.reason).toEqual(expect.any(String));
      if (!move.ok) expect(move.reason.length).toBeGreaterThan(0);
    } else {
      expect(move).toEqual({ ok: true, from, to: expected.to, loopBack: expected.loopBack });
    }
  });

  it('walks a task through the whole pipeline on passes', () => {
    const visited: Stage[] = ['none'];
    let stage: Stage = 'none';
    for (let i = 0; i < 5; i++) {
      const move = advance(stage, 'pass');
      if (!move.ok) throw new Error(move.reason);
      stage = move.to;
      visited.push(stage);
    }
    expect(visited).toEqual(['none', 'dev', 'qa', 'sec', 'docs', 'complete']);
    expect(advance(stage, 'pass').ok).toBe(false);
  });
});

describe('setStage', () => {
  const cases = ALL_STAGES.flatMap((from) =>
    ALL_STAGES.map((to) => [from, to, SET_STAGE[from][to]] as const),
  );

  it('allows from each stage exactly its row of the table, as a whole', () => {
    for (const from of ALL_STAGES)
      expect(ALL_STAGES.filter((to) => setStage(from, to).ok)).toEqual(
        ALL_STAGES.filter((to) => SET_STAGE[from][to]),
      );
  });

  it.each(cases)('setStage(%s, %s) allowed=%s', (from, to, allowed) => {
    const move = setStage(from, to);
    if (allowed) {
      expect(move).toEqual({ ok: true, from, to, loopBack: false });
    } else {
      expect(move.ok).toBe(false);
      expect(move.from).toBe(from);
      if (!move.ok) expect(move.reason).toContain(to);
    }
  });
});

describe('runStage', () => {
  it('is none for a run without tasks', () => {
    expect(runStage([])).toBe('none');
  });

  it.each([
    [['complete']],
    [['complete', 'complete']],
    [['complete', 'complete', 'complete', 'complete']],
  ] as Stage[][][])('is complete when every task is complete: %o', (stages) => {
    expect(runStage(stages)).toBe('complete');
  });

  it.each([
    [['none'], 'none'],
    [['dev'], 'dev'],
    [['docs'], 'docs'],
    [['qa', 'dev', 'sec'], 'dev'],
    [['sec', 'qa', 'docs'], 'qa'],
    [['docs', 'sec'], 'sec'],
    [['docs', 'complete'], 'docs'],
    [['complete', 'qa', 'complete'], 'qa'],
    [['complete', 'sec', 'docs', 'complete'], 'sec'],
    [['dev', 'none', 'complete'], 'none'],
    [['complete', 'none'], 'none'],
    [['qa', 'qa', 'qa'], 'qa'],
    [['none', 'dev', 'qa', 'sec', 'docs', 'complete'], 'none'],
  ] as [Stage[], Stage][])('runStage(%o) is %s (lowest unfinished wins)', (stages, expected) => {
    expect(runStage(stages)).toBe(expected);
  });

  it.each([
    [['dev', 'qa', 'sec', 'docs', 'complete'], 'dev'],
    [['qa', 'sec', 'docs', 'complete'], 'qa'],
    [['none', 'docs', 'complete'], 'none'],
  ] as [Stage[], Stage][])('is independent of order for %o', (stages, expected) => {
    const orders = [
      stages,
      [...stages].reverse(),
      [...stages.slice(1), stages[0]!],
      [stages.at(-1)!, ...stages.slice(0, -1)],
    ];
    for (const order of orders) expect(runStage(order)).toBe(expected);
  });

  it('does not mutate its input', () => {
    const stages: Stage[] = ['sec', 'complete', 'dev'];
    runStage(stages);
    expect(stages).toEqual(['sec', 'complete', 'dev']);
  });
});

describe("a run's own pipeline", () => {
  const own = ['dev', 'qa', 'licence'];

  it('advances through its stages in its order, and a failure anywhere goes back to its first', () => {
    expect(advance('qa', 'pass', own)).toEqual({ ok: true, from: 'qa', to: 'licence', loopBack: false });
    expect(advance('licence', 'pass', own)).toEqual({
      ok: true,
      from: 'licence',
      to: 'complete',
      loopBack: false,
    });
    expect(advance('licence', 'fail', own)).toEqual({ ok: true, from: 'licence', to: 'dev', loopBack: true });
    expect(advance('none', 'pass', own)).toEqual({ ok: true, from: 'none', to: 'dev', loopBack: false });
  });

  it('refuses to advance or set a stage the run does not have', () => {
    expect(advance('sec', 'pass', own)).toMatchObject({
      ok: false,
      reason: "stage sec is not in this run's pipeline",
    });
    expect(setStage('dev', 'docs', own)).toMatchObject({
      ok: false,
      reason: "stage docs is not in this run's pipeline: none, dev, qa, licence, complete",
    });
    expect(setStage('dev', 'licence', own)).toEqual({
      ok: true,
      from: 'dev',
      to: 'licence',
      loopBack: false,
    });
    expect(isStage('licence', own)).toBe(true);
    expect(isStage('licence')).toBe(false);
    expect(isWorkStage('licence', own)).toBe(true);
    expect(isWorkStage('none', own)).toBe(false);
  });

  it("ranks and finds the run's stage by its order", () => {
    expect(stageRank('licence', own)).toBe(3);
    expect(stageRank('sec', own)).toBe(-1);
    expect(runStage(['licence', 'qa', 'complete'], own)).toBe('qa');
    expect(runStage(['licence', 'complete'], own)).toBe('licence');
  });
});
