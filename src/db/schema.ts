/**
 * The one Drizzle schema. Change it only together with a generated migration (`npm run db:generate`).
 */
import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { TOKEN_ROLES, type TokenRole } from '../domain/access.ts';
import {
  APPROVAL_KINDS,
  APPROVAL_STATES,
  type ApprovalKind,
  type ApprovalState,
} from '../domain/approvals.ts';
import type { Budget, BudgetDetails, ProjectBudget } from '../domain/budget.ts';
import { BUG_REPORT_STATUSES, type BugReportStatus } from '../domain/bug-reports.ts';
import {
  DIRECTOR_RULE_NAMES,
  type DirectorProjectSettings,
  type DirectorRuleName,
  type DirectorRuleSettings,
  INTERVENTION_ACTIONS,
  type InterventionAction,
} from '../domain/director.ts';
import type { EventType } from '../domain/event-types.ts';
import { JOB_STATES, type JobKind, type JobState } from '../domain/job-states.ts';
import { type PipelineEntry, STAGE_NAME } from '../domain/pipeline.ts';
import type { DeployDetails, ReleaseSettings } from '../domain/release.ts';
import { REVIEW_STATES, type ReviewState } from '../domain/review.ts';
import { ROLE_NAMES, type RoleName } from '../domain/roles.ts';
import { RUN_PHASES, type RunPhase } from '../domain/run-phases.ts';
import {
  FINDING_SOURCES,
  FINDING_STATUSES,
  type FindingSource,
  type FindingStatus,
  SEVERITIES,
  type Severity,
} from '../domain/severity.ts';
import type { Stage } from '../domain/stages.ts';
import { NOTE_SOURCES, type NoteSource } from '../domain/task-notes.ts';
import { TASK_SOURCES } from '../domain/task-sources.ts';

/**
 * A CHECK that a column holds one of the domain's words (null passes, as in SQL). The list is the domain's,
 * so the database refuses what the code would never write; changing a list needs a migration.
 */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const literals = values.map((value) => sql.raw(`'${value.replaceAll("'", "''")}'`));
  return sql`${column} in (${sql.join(literals, sql`, `)})`;
}

/**
 * A stage is `none`, `complete` or a work stage of the run's pipeline, which a project may extend with its
 * own names; the database checks the shape of a name, the services check it against the run's pipeline.
 */
function stageName(column: AnyPgColumn): SQL {
  return sql`${column} ~ ${sql.raw(`'${STAGE_NAME.source}'`)}`;
}

const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A 64-bit transaction id (PostgreSQL's xid8), carried as text: it can pass 2^53. Compared only in SQL,
 * where `pg_snapshot_xmin(pg_current_snapshot())` tells which transactions have all ended.
 */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/** How a project's (or one role's) agents are confined. */
export interface SandboxSettings {
  /** "none" gives agents and gates no network at all; "on" (the default) lets them reach their model API. */
  network?: 'on' | 'none';
}

/** One role's agent in a project. */
export interface ProjectRoleSettings {
  backend?: string;
  model?: string;
  timeoutSeconds?: number;
  binary?: string;
  /** A model endpoint of the user's own (a local or company gateway) instead of the CLI's provider. */
  baseUrl?: string;
  /** The name of Workhorse's environment variable holding that endpoint's key. */
  apiKeyEnv?: string;
  sandbox?: SandboxSettings;
}

export interface ProjectSettings {
  /** Per-role overrides of the agent backend, model and timeout. */
  roles?: Record<string, ProjectRoleSettings>;
  /** Confinement of every role's agents; `allowUnsandboxed` lets them run where bubblewrap cannot. */
  sandbox?: SandboxSettings & { allowUnsandboxed?: boolean };
  /** The recipe file the scripted backend plays (demos and tests). */
  scriptedRecipe?: string;
  /** Environment variable names this project explicitly passes to its agents. */
  passEnv?: string[];
  /** The project's own pipeline (see src/domain/pipeline.ts); the built-in one when absent. */
  pipeline?: PipelineEntry[];
  /** What an approved run's deploy does before the deploy command (see src/domain/release.ts). */
  release?: ReleaseSettings;
  /** Let tasks whose expected files overlap be in dev at the same time (they may then conflict). */
  parallelOverlap?: boolean;
  /** The Director for this project: on or off, and each rule's switch and thresholds. */
  director?: DirectorProjectSettings;
  /** Limits of agent work per run, per task (`task`) and in total (`total`); a run or task may carry its own. */
  budget?: ProjectBudget;
  /** `required`: a task waits for a person's acceptance before it merges into its run branch. */
  review?: { required?: boolean };
}

export const projects = pgTable('projects', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  repository: text('repository').notNull(),
  defaultBranch: text('default_branch').notNull().default('main'),
  testCommand: text('test_command'),
  lintCommand: text('lint_command'),
  buildCommand: text('build_command'),
  deployCommand: text('deploy_command'),
  settings: jsonb('settings').$type<ProjectSettings>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const runs = pgTable(
  'runs',
  {
    id: serial('id').primaryKey(),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    goal: text('goal').notNull(),
    phase: text('phase').$type<RunPhase>().notNull().default('planning'),
    paused: boolean('paused').notNull().default(false),
    branch: text('branch'),
    /** Stage transitions the run may still make on its own after trigger-pipeline; null when not set. */
    autoAdvanceRemaining: integer('auto_advance_remaining'),
    /** The project's pipeline when the run started: later edits of the project do not move its tasks. */
    pipeline: jsonb('pipeline').$type<PipelineEntry[]>(),
    /** The commit the run was released as (the merge commit on the default branch, or the pushed head). */
    releasedCommit: text('released_commit'),
    /** This run's own limits, over its project's (set when a person raises them at a budget approval). */
    budget: jsonb('budget').$type<Budget>(),
    killedAt: tstz('killed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('runs_project_idx').on(t.projectId), check('runs_phase_known', oneOf(t.phase, RUN_PHASES))],
);

/** Every phase a run has entered, and when: the run's timeline. */
export const runPhaseChanges = pgTable(
  'run_phase_changes',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    /** Null for the phase a run starts in. */
    fromPhase: text('from_phase').$type<RunPhase>(),
    toPhase: text('to_phase').$type<RunPhase>().notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('run_phase_changes_run_idx').on(t.runId, t.id),
    check('run_phase_changes_from_known', oneOf(t.fromPhase, RUN_PHASES)),
    check('run_phase_changes_to_known', oneOf(t.toPhase, RUN_PHASES)),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    acceptance: jsonb('acceptance').$type<string[]>().notNull().default([]),
    files: jsonb('files').$type<string[]>().notNull().default([]),
    priority: integer('priority').notNull().default(5),
    pipelineStage: text('pipeline_stage').$type<Stage>().notNull().default('none'),
    version: integer('version').notNull().default(1),
    loopBacks: integer('loop_backs').notNull().default(0),
    source: text('source').$type<(typeof TASK_SOURCES)[number]>().notNull().default('manual'),
    notes: text('notes').notNull().default(''),
    /** A person's review before the merge (src/domain/review.ts); null when none is pending or given. */
    reviewState: text('review_state').$type<ReviewState>(),
    /** Paused by a person or the Director: its jobs are held (marked held by pause) until it resumes. */
    paused: boolean('paused').notNull().default(false),
    /** This task's own limits, over its project's task limits (set when a person raises them at a budget approval). */
    budget: jsonb('budget').$type<Budget>(),
    completedAt: tstz('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('tasks_run_stage_idx').on(t.runId, t.pipelineStage),
    check('tasks_priority_range', sql`${t.priority} between 1 and 10`),
    check('tasks_stage_name', stageName(t.pipelineStage)),
    check('tasks_source_known', oneOf(t.source, TASK_SOURCES)),
    check('tasks_review_state_known', oneOf(t.reviewState, REVIEW_STATES)),
  ],
);

export const taskDependencies = pgTable(
  'task_dependencies',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    dependsOnTaskId: integer('depends_on_task_id')
      .notNull()
      .references(() => tasks.id),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.dependsOnTaskId] }),
    index('task_deps_on_idx').on(t.dependsOnTaskId),
  ],
);

export const roleConfigs = pgTable(
  'role_configs',
  {
    id: serial('id').primaryKey(),
    role: text('role').$type<RoleName>().notNull(),
    projectId: integer('project_id').references(() => projects.id),
    version: integer('version').notNull(),
    prompt: text('prompt').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    active: boolean('active').notNull().default(false),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    check('role_configs_role_known', oneOf(t.role, ROLE_NAMES)),
    uniqueIndex('role_configs_version_uq').on(t.role, sql`coalesce(${t.projectId}, 0)`, t.version),
    uniqueIndex('role_configs_active_uq')
      .on(t.role, sql`coalesce(${t.projectId}, 0)`)
      .where(sql`${t.active}`),
  ],
);

export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<JobKind>().notNull(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    taskId: integer('task_id').references(() => tasks.id),
    stage: text('stage').$type<Stage>(),
    role: text('role').notNull(),
    state: text('state').$type<JobState>().notNull(),
    /** Held only because its run or task is paused: resuming them queues it again. */
    heldByPause: boolean('held_by_pause').notNull().default(false),
    priority: integer('priority').notNull().default(5),
    attempt: integer('attempt').notNull().default(1),
    maxAttempts: integer('max_attempts').notNull().default(3),
    runAt: tstz('run_at').notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: tstz('lease_expires_at'),
    backend: text('backend'),
    roleConfigId: integer('role_config_id').references(() => roleConfigs.id),
    exitCode: integer('exit_code'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    costUsd: doublePrecision('cost_usd'),
    log: text('log').notNull().default(''),
    /** Input for the job's handler (for agent jobs: the backend options it was queued with). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    report: jsonb('report'),
    lastError: text('last_error'),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('jobs_claim_idx').on(t.priority.desc(), t.id).where(sql`${t.state} = 'queued'`),
    index('jobs_lease_idx').on(t.leaseExpiresAt).where(sql`${t.state} = 'running'`),
    index('jobs_run_idx').on(t.runId),
    index('jobs_task_idx').on(t.taskId),
    check('jobs_state_known', oneOf(t.state, JOB_STATES)),
    check('jobs_stage_name', stageName(t.stage)),
  ],
);

export const findings = pgTable(
  'findings',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    taskId: integer('task_id').references(() => tasks.id),
    jobId: bigint('job_id', { mode: 'number' }),
    source: text('source').$type<FindingSource>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    issue: text('issue').notNull(),
    file: text('file'),
    line: integer('line'),
    recommendation: text('recommendation').notNull().default(''),
    status: text('status').$type<FindingStatus>().notNull().default('open'),
    fixTaskId: integer('fix_task_id').references(() => tasks.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('findings_run_idx').on(t.runId),
    index('findings_task_idx').on(t.taskId),
    check('findings_source_known', oneOf(t.source, FINDING_SOURCES)),
    check('findings_severity_known', oneOf(t.severity, SEVERITIES)),
    check('findings_status_known', oneOf(t.status, FINDING_STATUSES)),
  ],
);

/**
 * A course-correct note on a task, by a person or the Director, for the next agent prompt of its task (see
 * domain/task-notes.ts for when it counts as delivered).
 */
export const taskNotes = pgTable(
  'task_notes',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    source: text('source').$type<NoteSource>().notNull(),
    /** The token that left it, or `director`. */
    author: text('author').notNull(),
    body: text('body').notNull(),
    /** The job whose prompt carried it (every attempt of that job does); null until one did. */
    deliveredJobId: bigint('delivered_job_id', { mode: 'number' }).references(() => jobs.id),
    deliveredAt: tstz('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('task_notes_task_idx').on(t.taskId, t.id),
    check('task_notes_source_known', oneOf(t.source, NOTE_SOURCES)),
  ],
);

export const approvals = pgTable(
  'approvals',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    kind: text('kind').$type<ApprovalKind>().notNull(),
    /** What the decision is about: an escalated task and its held job. */
    taskId: integer('task_id').references(() => tasks.id),
    jobId: bigint('job_id', { mode: 'number' }).references(() => jobs.id),
    state: text('state').$type<ApprovalState>().notNull().default('pending'),
    requestedBy: text('requested_by').notNull(),
    reason: text('reason').notNull().default(''),
    /** What a person decides on: for a deploy, the run's diff summary, test result, open findings, cost. */
    details: jsonb('details')
      .$type<DeployDetails | BudgetDetails | Record<string, never>>()
      .notNull()
      .default({}),
    decidedBy: text('decided_by'),
    decisionNote: text('decision_note'),
    decidedAt: tstz('decided_at'),
    createdAt: createdAt(),
  },
  // A task waits for one decision at a time.
  (t) => [
    uniqueIndex('approvals_one_pending_escalation_uq')
      .on(t.taskId)
      .where(sql`${t.state} = 'pending' and ${t.kind} = 'escalation'`),
    // A run waits for one deploy decision at a time.
    uniqueIndex('approvals_one_pending_deploy_uq')
      .on(t.runId)
      .where(sql`${t.state} = 'pending' and ${t.kind} = 'deploy'`),
    check('approvals_kind_known', oneOf(t.kind, APPROVAL_KINDS)),
    check('approvals_state_known', oneOf(t.state, APPROVAL_STATES)),
  ],
);

/**
 * This installation: one row, made by the migration that created the table. Its id keeps the branches and
 * refs of this installation apart from another's on the same repository (another data folder or database).
 */
export const installation = pgTable('installation', {
  id: text('id').primaryKey(),
  createdAt: createdAt(),
});

/** The Director as a whole: on or off, and which process acts for it now (a lease it renews). */
export const directorState = pgTable(
  'director_state',
  {
    id: integer('id').primaryKey().default(1),
    enabled: boolean('enabled').notNull().default(true),
    /** Installation-wide rule settings (each rule's switch and thresholds), under a project's own. */
    rules: jsonb('rules').$type<DirectorRuleSettings>().notNull().default({}),
    leader: text('leader'),
    leaseExpiresAt: tstz('lease_expires_at'),
    updatedAt: updatedAt(),
  },
  (t) => [check('director_state_one_row', sql`${t.id} = 1`)],
);

/**
 * What the Director did, once each: its fingerprint (the rule, what it is about, and the evidence's
 * version) is unique, so two Directors on one database never double an intervention.
 */
export const directorInterventions = pgTable(
  'director_interventions',
  {
    id: serial('id').primaryKey(),
    rule: text('rule').$type<DirectorRuleName>().notNull(),
    fingerprint: text('fingerprint').notNull().unique(),
    projectId: integer('project_id').references(() => projects.id),
    runId: integer('run_id').references(() => runs.id),
    taskId: integer('task_id').references(() => tasks.id),
    jobId: bigint('job_id', { mode: 'number' }),
    action: text('action').$type<InterventionAction>().notNull(),
    /** What the rule saw, and what the action produced (a finding's id, a job's, an approval's). */
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull().default({}),
    summary: text('summary').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('director_interventions_run_idx').on(t.runId, t.id),
    check('director_interventions_rule_known', oneOf(t.rule, DIRECTOR_RULE_NAMES)),
    check('director_interventions_action_known', oneOf(t.action, INTERVENTION_ACTIONS)),
  ],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').$type<EventType>().notNull(),
    projectId: integer('project_id'),
    runId: integer('run_id'),
    taskId: integer('task_id'),
    jobId: bigint('job_id', { mode: 'number' }),
    actor: text('actor'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The transaction that wrote the event. Ids are taken at insert, not at commit, so a reader going by id
     * alone could pass an id whose transaction commits later; going by (xid, id) below the oldest
     * transaction still running, it never can (webhook-outbox.ts).
     */
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_run_idx').on(t.runId, t.id),
    index('events_xid_idx').on(t.xid, t.id),
    // A job's events in order: its log's time index (job.output), its history, the Director's reads.
    index('events_job_idx').on(t.jobId, t.id),
  ],
);

/**
 * A webhook subscriber. `eventCursorXid` and `eventCursor` are the transaction and id of the last event the
 * dispatcher turned into deliveries for it (events after it are still to be matched), so no event is
 * skipped across restarts. The secret is kept
 * to sign with and is answered only when made; during a rotation the previous one signs too until it expires.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: serial('id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretExpiresAt: tstz('previous_secret_expires_at'),
  eventTypes: jsonb('event_types').$type<string[]>().notNull().default([]),
  projectId: integer('project_id').references(() => projects.id),
  enabled: boolean('enabled').notNull().default(true),
  description: text('description').notNull().default(''),
  disabledReason: text('disabled_reason'),
  eventCursor: bigint('event_cursor', { mode: 'number' }).notNull().default(0),
  /** With `eventCursor`, the (xid, id) of that last event: the outbox reads events in that order. */
  eventCursorXid: xid8('event_cursor_xid').notNull().default(sql`'0'::xid8`),
  deletedAt: tstz('deleted_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * One row per attempt to deliver one event to one subscriber: `pending` until a dispatcher sends it (under
 * a lease, so one sends it), then `delivered` or `failed`; a failure that will be retried adds the next
 * attempt as a new pending row. A subscription's pending rows are sent in event order, one at a time.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    attempt: integer('attempt').notNull().default(1),
    status: text('status').$type<(typeof DELIVERY_STATUSES)[number]>().notNull().default('pending'),
    responseStatus: integer('response_status'),
    latencyMs: integer('latency_ms'),
    responseBody: text('response_body'),
    error: text('error'),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: tstz('lease_expires_at'),
    deliveredAt: tstz('delivered_at'),
    attemptedAt: tstz('attempted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_pending_idx')
      .on(t.subscriptionId, t.eventId)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.id),
    uniqueIndex('webhook_deliveries_attempt_unique').on(t.subscriptionId, t.eventId, t.attempt),
    check('webhook_deliveries_status_known', oneOf(t.status, DELIVERY_STATUSES)),
  ],
);

export const bugReports = pgTable(
  'bug_reports',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    pageUrl: text('page_url'),
    browserInfo: text('browser_info'),
    status: text('status').$type<BugReportStatus>().notNull().default('open'),
    reporter: text('reporter'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('bug_reports_status_known', oneOf(t.status, BUG_REPORT_STATUSES))],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').$type<TokenRole>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [check('api_tokens_role_known', oneOf(t.role, TOKEN_ROLES))],
);

export const workers = pgTable('workers', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  concurrency: integer('concurrency').notNull(),
  startedAt: tstz('started_at').notNull().defaultNow(),
  lastHeartbeatAt: tstz('last_heartbeat_at').notNull().defaultNow(),
  stoppedAt: tstz('stopped_at'),
});

/**
 * Processes with live event subscribers (open dashboards). New events are announced with NOTIFY only while
 * some row here is unexpired: a queue running flat out with nobody watching pays nothing for the feed.
 */
export const liveListeners = pgTable('live_listeners', {
  processId: text('process_id').primaryKey(),
  expiresAt: tstz('expires_at').notNull(),
});
