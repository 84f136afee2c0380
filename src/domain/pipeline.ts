/**
 * The pipeline table: one row per work stage, in order. What each stage's agent is asked for, what evidence
 * judges it and what passing does are read from here, by the stage machine (the order), the worker (the
 * report, the checks, what happens to the agent's edits, the merge), the findings (their source) and the
 * dashboard (the board's columns, the progress bar). Adding a stage is a row here, plus a check kind below
 * if it needs one that does not exist yet.
 */

/**
 * Deterministic checks Workhorse runs after a stage's agent, never trusting its word:
 * - `changes`: the task branch has commits beyond its base (DEV did something);
 * - `lint`, `build`, `test`: the project's own command of that name, when the project sets one;
 * - `docs`: a change to exported code comes with a documentation change.
 */
export const CHECK_KINDS = Object.freeze(['changes', 'lint', 'build', 'test', 'docs'] as const);
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The checks that run one of the project's commands, and which command. */
export const GATE_COMMANDS = Object.freeze({
  lint: 'lintCommand',
  build: 'buildCommand',
  test: 'testCommand',
} as const satisfies Partial<Record<CheckKind, string>>);
export type GateKind = keyof typeof GATE_COMMANDS;

export function isGate(check: CheckKind): check is GateKind {
  return Object.hasOwn(GATE_COMMANDS, check);
}

export interface StageDefinition {
  /** The stage's name, and the role whose agent works it. */
  readonly stage: string;
  /** The board's column title. */
  readonly title: string;
  /**
   * The review report the agent must write at the worktree root: without a usable one the stage fails.
   * null for a stage judged by its checks alone.
   */
  readonly reportFile: string | null;
  /** The agent's edits: committed on the task branch, or set aside (a reviewer judges, it does not fix). */
  readonly edits: 'commit' | 'discard';
  readonly checks: readonly CheckKind[];
  /** Passing merges the task branch into the run branch (the last stage). */
  readonly mergesOnPass: boolean;
  /** Where the stage's findings are filed: the reviewer's name, or `gate` for checks only. */
  readonly findingSource: 'gate' | 'qa' | 'sec' | 'docs';
}

export const PIPELINE = Object.freeze([
  {
    stage: 'dev',
    title: 'Dev',
    reportFile: null,
    edits: 'commit',
    checks: ['changes', 'lint', 'build'],
    mergesOnPass: false,
    findingSource: 'gate',
  },
  {
    stage: 'qa',
    title: 'QA',
    reportFile: 'bugs.json',
    edits: 'discard',
    checks: ['test'],
    mergesOnPass: false,
    findingSource: 'qa',
  },
  {
    stage: 'sec',
    title: 'Sec',
    reportFile: 'security_report.json',
    edits: 'discard',
    checks: [],
    mergesOnPass: false,
    findingSource: 'sec',
  },
  {
    stage: 'docs',
    title: 'Docs',
    reportFile: 'docs_report.json',
    edits: 'commit',
    checks: ['docs'],
    mergesOnPass: true,
    findingSource: 'docs',
  },
] as const satisfies readonly StageDefinition[]);

export type WorkStage = (typeof PIPELINE)[number]['stage'];

/** The row of a work stage; asking for another (none, complete, a job without a stage) is a bug. */
export function stageDefinition(stage: string | null): StageDefinition {
  const row = PIPELINE.find((candidate) => candidate.stage === stage);
  if (!row) throw new Error(`not a work stage of the pipeline: ${stage}`);
  return row;
}
