/**
 * The Director's rules, by name, with what each watches for, what it does when it fires, and its default
 * thresholds. A project may turn a rule off or change its thresholds (`settings.director.rules.<name>`) and
 * turn the Director off for itself (`settings.director.enabled: false`).
 */
export const DIRECTOR_RULES = {
  'stuck-task': {
    watches: 'a task in a work stage with no job that could move it, idle for `idleMinutes`',
    action: 'requeue: opens the job of its stage again',
    defaults: { idleMinutes: 10 },
  },
  'silent-job': {
    watches: 'a running agent that has written nothing to its job log for `silentMinutes`',
    action: 'restart: its job is cancelled (the agent is stopped) and its stage job queued again',
    defaults: { silentMinutes: 20 },
  },
  tdd: {
    watches: 'a DEV change that touches source files but no test file (`testPattern` names the tests)',
    action: 'a high finding on the task: it goes back to DEV with the note in its prompt',
    defaults: {
      testPattern: '(^|/)(tests?|__tests__|spec)/|[._-](test|spec)\\.[a-z]+$|(^|/)test_[^/]+\\.py$',
    },
  },
  'test-tampering': {
    watches: 'a DEV change that deletes a test file or adds a skip or only marker to a test',
    action: 'a high finding on the task: it goes back to DEV with the note in its prompt',
    defaults: {},
  },
  dry: {
    watches:
      'a DEV change that copies a block of code (`minLines` lines, `minTokens` tokens) already in the repository or the change',
    action: 'a high finding on the task: it goes back to DEV with the note in its prompt',
    defaults: { minLines: 6, minTokens: 60, maxFiles: 400 },
  },
  migrations: {
    watches:
      'a DEV change to a model or schema definition without a new migration (Django, SQLAlchemy/Alembic, Drizzle, Prisma, Rails, TypeORM layouts)',
    action: 'a high finding on the task: it goes back to DEV with the note in its prompt',
    defaults: {},
  },
  orm: {
    watches: 'raw SQL added to code (not migrations or tests) of a project that names its ORM in `orm`',
    action: 'a high finding on the task: it goes back to DEV with the note in its prompt',
    defaults: { orm: '' },
  },
  'false-done': {
    watches:
      "a stage that passed on the project's test command when it ran no test (its output says zero), or with no test command at all",
    action: 'zero tests: a high finding, the task goes back to DEV; no test command: a warning, once per run',
    defaults: {},
  },
  loops: {
    watches: 'a task sent back to DEV `maxLoopBacks` times: it is not converging',
    action:
      'an escalation: its next DEV job is held and a person decides (applied by the stage change itself, so no DEV attempt slips in first)',
    defaults: { maxLoopBacks: 5 },
  },
  'repeated-failure': {
    watches: 'a task that failed a stage twice in a row for the same reasons',
    action: 'a course-correct note on the task for its next prompt: the same approach failed twice',
    defaults: {},
  },
  'stuck-run': {
    watches: 'a run testing with no integration test job left to run it, idle for `idleMinutes`',
    action: 'requeue: queues its integration test again, once per phase it entered',
    defaults: { idleMinutes: 10 },
  },
  budget: {
    watches:
      "tokens, reported cost and wall time against the limits of each task, each run and each project's total (the project's settings; a run's or task's own limits replace them)",
    action:
      'at `warnAtPercent` a warning, once; at 100% the task (task limits) or the run (run and project limits) is paused and a budget approval asks a person to raise the limits',
    defaults: { warnAtPercent: 80 },
  },
  'llm-review': {
    watches:
      "a run as the director role's agent reviews it, in a job a worker runs: asked for by a person, or every `everyMinutes` while the run builds or tests (0: only when asked)",
    action:
      "each item of its validated director_report.json: a note into the task's next prompt, a finding, a requeue, a paused run or an escalation to a person",
    defaults: { everyMinutes: 0 },
  },
} as const;

export type DirectorRuleName = keyof typeof DIRECTOR_RULES;
export const DIRECTOR_RULE_NAMES = Object.keys(DIRECTOR_RULES) as DirectorRuleName[];

/** What an intervention did. */
export const INTERVENTION_ACTIONS = Object.freeze([
  'requeue',
  'finding',
  'warn',
  'pause',
  'escalate',
  'note',
] as const);
export type InterventionAction = (typeof INTERVENTION_ACTIONS)[number];

/** Per rule: `enabled`, and thresholds by the names of the rule's defaults. */
export type DirectorRuleSettings = Partial<
  Record<DirectorRuleName, Record<string, number | string | boolean>>
>;

export interface DirectorProjectSettings {
  enabled?: boolean;
  rules?: DirectorRuleSettings;
}

export type RuleThresholds<R extends DirectorRuleName> = (typeof DIRECTOR_RULES)[R]['defaults'];

/**
 * A rule's thresholds for a project: the defaults, under the installation's settings, under the project's;
 * null when the rule is off there (the project, or failing that the installation, says so).
 */
export function ruleConfig<R extends DirectorRuleName>(
  installation: DirectorRuleSettings,
  project: DirectorProjectSettings | undefined,
  rule: R,
): RuleThresholds<R> | null {
  if (project?.enabled === false) return null;
  const { enabled: everywhere, ...general } = installation[rule] ?? {};
  const { enabled: here, ...own } = project?.rules?.[rule] ?? {};
  if ((here ?? everywhere) === false) return null;
  return { ...DIRECTOR_RULES[rule].defaults, ...general, ...own } as RuleThresholds<R>;
}
