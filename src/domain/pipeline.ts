/**
 * The pipeline table: one row per work stage, in order. What each stage's agent is asked for, what evidence
 * judges it and what passing does are read from here, by the stage machine (the order), the worker (the
 * report, the checks, what happens to the agent's edits, the merge), the findings (their source) and the
 * dashboard (the board's columns, the progress bar). Adding a stage is a row here, plus a check kind below
 * if it needs one that does not exist yet. A project may declare its own pipeline from these rows and
 * stages of its own that run a command (`settings.pipeline`); each run keeps the pipeline it started with.
 */

/**
 * Deterministic checks Workhorse runs after a stage's agent, never trusting its word:
 * - `conflicts`: no conflict marker is left in the task's change and no merge of the run branch into it is
 *   left unconcluded (the worker merges the run branch in before DEV; its agent resolves the conflicts);
 * - `changes`: the task branch has commits beyond its base (DEV did something);
 * - `lint`, `build`, `test`: the project's own command of that name, when the project sets one;
 * - `docs`: a change to exported code comes with a documentation change;
 * - `command`: a project stage's own command (no agent) exits 0.
 */
export const CHECK_KINDS = Object.freeze([
  'conflicts',
  'changes',
  'lint',
  'build',
  'test',
  'docs',
  'command',
] as const);
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
  /** Where the stage's findings are filed: the reviewer's name, or `gate` for checks only. */
  readonly findingSource: 'gate' | 'qa' | 'sec' | 'docs';
  /** A project's own stage: the command that judges it, run in the task's worktree instead of an agent. */
  readonly command: string | null;
}

export const PIPELINE = Object.freeze([
  {
    stage: 'dev',
    title: 'Dev',
    reportFile: null,
    edits: 'commit',
    checks: ['conflicts', 'changes', 'lint', 'build'],
    findingSource: 'gate',
    command: null,
  },
  {
    stage: 'qa',
    title: 'QA',
    reportFile: 'bugs.json',
    edits: 'discard',
    checks: ['test'],
    findingSource: 'qa',
    command: null,
  },
  {
    stage: 'sec',
    title: 'Sec',
    reportFile: 'security_report.json',
    edits: 'discard',
    checks: [],
    findingSource: 'sec',
    command: null,
  },
  {
    stage: 'docs',
    title: 'Docs',
    reportFile: 'docs_report.json',
    edits: 'commit',
    checks: ['docs'],
    findingSource: 'docs',
    command: null,
  },
] as const satisfies readonly StageDefinition[]);

/** The built-in stages, by name. */
export type BuiltInStage = (typeof PIPELINE)[number]['stage'];
export const BUILT_IN_STAGES: readonly [BuiltInStage, ...BuiltInStage[]] = Object.freeze(
  PIPELINE.map((row) => row.stage) as [BuiltInStage, ...BuiltInStage[]],
);

/**
 * A pipeline as a project declares it: built-in stages by name and stages of its own that run a command
 * (validated by `pipelineSchema` in pipeline-schema.ts).
 */
export type PipelineEntry = BuiltInStage | { stage: string; title?: string | undefined; command: string };

/** What a stage may be called: also what the database accepts in a task's or job's stage column. */
export const STAGE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

export const MAX_STAGES = 12;

/** The stages of a declared pipeline, in order; the built-in pipeline when none is declared. */
export function resolvePipeline(
  entries: readonly PipelineEntry[] | null | undefined,
): readonly StageDefinition[] {
  if (!entries || entries.length === 0) return PIPELINE;
  return entries.map((entry) =>
    typeof entry === 'string'
      ? (PIPELINE.find((row) => row.stage === entry) as StageDefinition)
      : {
          stage: entry.stage,
          title: entry.title ?? entry.stage,
          reportFile: null,
          edits: 'discard',
          checks: ['command'],
          findingSource: 'gate',
          command: entry.command,
        },
  );
}

/** A board's columns for a run's pipeline: the waiting tasks, each stage, the complete ones. */
export function boardColumns(
  entries: readonly PipelineEntry[] | null | undefined,
): { stage: string; title: string }[] {
  return [
    { stage: 'none', title: 'Waiting' },
    ...resolvePipeline(entries).map((row) => ({ stage: row.stage, title: row.title })),
    { stage: 'complete', title: 'Complete' },
  ];
}

/** The names of a pipeline's stages, in order. */
export function workStagesOf(pipeline: readonly StageDefinition[]): string[] {
  return pipeline.map((row) => row.stage);
}

/** The work stages of a run, from the pipeline it started with. */
export function runWorkStages(run: { pipeline: readonly PipelineEntry[] | null }): string[] {
  return workStagesOf(resolvePipeline(run.pipeline));
}

/** The row of a work stage; asking for another (none, complete, a job without a stage) is a bug. */
export function stageDefinition(
  stage: string | null,
  pipeline: readonly StageDefinition[] = PIPELINE,
): StageDefinition {
  const row = pipeline.find((candidate) => candidate.stage === stage);
  if (!row) throw new Error(`not a work stage of the pipeline: ${stage}`);
  return row;
}

/** Passing the last stage merges the task branch into the run branch. */
export function mergesOnPass(stage: string, pipeline: readonly StageDefinition[] = PIPELINE): boolean {
  return pipeline.at(-1)?.stage === stage;
}
