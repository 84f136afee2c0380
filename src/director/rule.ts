/**
 * A Director rule reads state and proposes interventions; the Director applies them through the services.
 * Rules decide nothing on their own about whether they already acted: a proposal's fingerprint does.
 */
import type { Queryable } from '../db/client.ts';
import type { ProjectSettings } from '../db/schema.ts';
import type { DirectorRuleName, RuleThresholds } from '../domain/director.ts';
import type { Proposal } from '../services/director.ts';
import type { PassedStage } from '../services/director-reads.ts';
import type { BranchChanges } from './changes.ts';
import type { Source } from './clones.ts';

export interface DirectorView {
  db: Queryable;
  /** A rule's thresholds for a project, or null when the rule is off there (see ruleConfig in the domain). */
  config<R extends DirectorRuleName>(settings: ProjectSettings, rule: R): RuleThresholds<R> | null;
  /** The data folder: where clones of repositories given by URL live. */
  workspace: string;
  /**
   * The stage jobs to review (see passedStageJobs), read once per pass however many rules ask: the diff
   * rules and false-done all start from them.
   */
  passedStages(): Promise<PassedStage[]>;
  /**
   * The changes a task branch makes on its run branch; null when the repository or branch is not here. Read
   * once per pass for each branch, however many rules ask.
   */
  changesOf(
    repository: string,
    projectId: number,
    runBranch: string,
    taskId: number,
  ): Promise<BranchChanges | null>;
  /**
   * True the first time this Director sees `key`: a rule that reads git looks at each piece of work once
   * per process, not every tick (its fingerprints still guard against acting twice).
   */
  firstLook(key: string): boolean;
  /** The task branch a passed stage job's task works on. */
  taskBranchOf(job: { runBranch: string; taskId: number }): Promise<string>;
  /** Every file path at `ref` of the project's repository. */
  filesAt(repository: string, projectId: number, ref: string): Promise<string[]>;
  /** The contents of `paths` at `ref` (files that cannot be read as text are left out). */
  contentsAt(repository: string, projectId: number, ref: string, paths: readonly string[]): Promise<Source[]>;
}

export interface DirectorRule {
  name: DirectorRuleName;
  propose(view: DirectorView): Promise<Proposal[]>;
}
