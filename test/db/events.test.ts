/**
 * Every state-changing service appends exactly one event in its transaction (and a run.phase_changed for
 * each phase it moved its run through), naming the project, run and
 * task it touched and the actor; a call that throws appends none and changes nothing.
 */
import { asc, desc, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiTokens,
  approvals,
  bugReports,
  events,
  findings,
  jobs,
  projects,
  roleConfigs,
  runs,
  taskDependencies,
  tasks,
} from '../../src/db/schema.ts';
import { decideApproval, listApprovals } from '../../src/services/approvals.ts';
import { createBugReport, setBugReportStatus } from '../../src/services/bug-reports.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createFinding, setFindingStatus } from '../../src/services/findings.ts';
import { cancelJob } from '../../src/services/jobs.ts';
import { createProject, updateProject } from '../../src/services/projects.ts';
import { markLostWorkers, registerWorker, reviveWorker } from '../../src/services/queue/workers.ts';
import {
  activateRoleVersion,
  saveRoleConfig,
  seedDefaultRoleConfigs,
} from '../../src/services/role-configs.ts';
import { createRun, killRun, setPaused } from '../../src/services/runs.ts';
import { MAX_LOOP_BACKS } from '../../src/services/steps/escalate.ts';
import type { Project, Run, Task } from '../../src/services/steps/load.ts';
import { advanceStage, setStage } from '../../src/services/task-stages.ts';
import { createTask, updateTask } from '../../src/services/tasks.ts';
import { createToken, revokeToken } from '../../src/services/tokens.ts';
import { triggerAgent, triggerPipeline } from '../../src/services/triggers.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';

let database: TestDatabase;
let ctx: ServiceContext;
let names = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = { db: database.db, settings: { autoTriggerAgents: false }, actor: 'test' };
});
afterAll(async () => database.close());

/** A project with a building run, one task in dev (its dev job held), a finding, a bug report and a token. */
interface Fixture {
  project: Project;
  run: Run;
  task: Task;
  findingId: number;
  bugReportId: number;
  tokenId: number;
}

async function fixture(): Promise<Fixture> {
  const project = await createProject(ctx, { name: uniqueName('project'), repository: '/repo' });
  const { run } = await createRun(ctx, { projectId: project.id, goal: 'events', skipPlanning: true });
  const { task } = await createTask(ctx, { runId: run.id, title: 'task' });
  const finding = await createFinding(ctx, {
    runId: run.id,
    taskId: task.id,
    source: 'qa',
    severity: 'high',
    issue: 'bug',
  });
  const bugReport = await createBugReport(ctx, { title: 'slow page' });
  const { record } = await createToken(ctx, { name: uniqueName('token'), role: 'viewer' });
  return { project, run, task, findingId: finding.id, bugReportId: bugReport.id, tokenId: record.id };
}

function uniqueName(prefix: string): string {
  names += 1;
  return `${prefix}-${names}`;
}

interface Ids {
  projectId: number | null;
  runId: number | null;
  taskId: number | null;
}

const NONE: Ids = { projectId: null, runId: null, taskId: null };
const none = (): Ids => NONE;
const ofProject = (f: Fixture): Ids => ({ ...NONE, projectId: f.project.id });
const ofRun = (f: Fixture): Ids => ({ ...ofProject(f), runId: f.run.id });
const ofTask = (f: Fixture): Ids => ({ ...ofRun(f), taskId: f.task.id });

interface Case {
  name: string;
  type: string;
  /** Unmeasured setup beyond the fixture. */
  arrange?: ((f: Fixture) => Promise<unknown>) | undefined;
  /** Makes the measured call and returns the ids its event must carry. */
  act(f: Fixture): Promise<Ids>;
}

function c<R>(
  name: string,
  type: string,
  call: (f: Fixture) => Promise<R>,
  ids: (f: Fixture, result: R) => Ids,
  arrange?: (f: Fixture) => Promise<unknown>,
): Case {
  return { name, type, arrange, act: async (f) => ids(f, await call(f)) };
}

async function lastEventId(): Promise<number> {
  const [row] = await database.db.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1);
  return row?.id ?? 0;
}

function eventsAfter(id: number) {
  return database.db.select().from(events).where(gt(events.id, id)).orderBy(asc(events.id));
}

/** Every table a service writes, each in a stable order. */
async function snapshot() {
  const db = database.db;
  return {
    projects: await db.select().from(projects).orderBy(asc(projects.id)),
    runs: await db.select().from(runs).orderBy(asc(runs.id)),
    tasks: await db.select().from(tasks).orderBy(asc(tasks.id)),
    dependencies: await db.select().from(taskDependencies).orderBy(asc(taskDependencies.taskId)),
    jobs: await db.select().from(jobs).orderBy(asc(jobs.id)),
    findings: await db.select().from(findings).orderBy(asc(findings.id)),
    roleConfigs: await db.select().from(roleConfigs).orderBy(asc(roleConfigs.id)),
    bugReports: await db.select().from(bugReports).orderBy(asc(bugReports.id)),
    apiTokens: await db.select().from(apiTokens).orderBy(asc(apiTokens.id)),
    approvals: await db.select().from(approvals).orderBy(asc(approvals.id)),
    events: await db.select().from(events).orderBy(asc(events.id)),
  };
}

/** Fails the fixture's task back to dev until it is escalated. */
async function escalate(f: Fixture): Promise<void> {
  for (let trip = 0; trip < MAX_LOOP_BACKS; trip += 1) await advanceStage(ctx, f.task.id, { result: 'fail' });
}

async function escalationOf(f: Fixture): Promise<number> {
  const { items } = await listApprovals(database.db, { runId: f.run.id, limit: 1, offset: 0 });
  return items[0]!.id;
}

const saveQa = (f: Fixture, prompt: string) => saveRoleConfig(ctx, 'qa', { prompt, projectId: f.project.id });

const CASES: Case[] = [
  c(
    'createProject',
    'project.created',
    () => createProject(ctx, { name: uniqueName('new'), repository: '/repo/new' }),
    (_f, project) => ({ ...NONE, projectId: project.id }),
  ),
  c(
    'updateProject',
    'project.updated',
    (f) => updateProject(ctx, f.project.id, { lintCommand: 'lint' }),
    ofProject,
  ),
  c(
    'createRun with planning',
    'run.created',
    (f) => createRun(ctx, { projectId: f.project.id, goal: 'plan it' }),
    (f, { run }) => ({ ...ofProject(f), runId: run.id }),
  ),
  c(
    'createRun with skipPlanning',
    'run.created',
    (f) => createRun(ctx, { projectId: f.project.id, goal: 'build it', skipPlanning: true }),
    (f, { run }) => ({ ...ofProject(f), runId: run.id }),
  ),
  c('killRun', 'run.killed', (f) => killRun(ctx, f.run.id), ofRun),
  c('setPaused true', 'run.paused', (f) => setPaused(ctx, f.run.id, true), ofRun),
  c(
    'setPaused false',
    'run.resumed',
    (f) => setPaused(ctx, f.run.id, false),
    ofRun,
    (f) => setPaused(ctx, f.run.id, true),
  ),
  c(
    'createTask',
    'task.created',
    (f) => createTask(ctx, { runId: f.run.id, title: 'another' }),
    (f, { task }) => ({ ...ofRun(f), taskId: task.id }),
  ),
  c('updateTask', 'task.updated', (f) => updateTask(ctx, f.task.id, { title: 'renamed' }), ofTask),
  c(
    'advanceStage pass',
    'task.stage_advanced',
    (f) => advanceStage(ctx, f.task.id, { result: 'pass' }),
    ofTask,
  ),
  c(
    'advanceStage fail',
    'task.stage_advanced',
    (f) => advanceStage(ctx, f.task.id, { result: 'fail' }),
    ofTask,
  ),
  c('setStage', 'task.stage_set', (f) => setStage(ctx, f.task.id, { stage: 'sec' }), ofTask),
  c('triggerAgent', 'run.agent_triggered', (f) => triggerAgent(ctx, f.run.id, 'dev'), ofRun),
  c('triggerPipeline', 'run.pipeline_triggered', (f) => triggerPipeline(ctx, f.run.id, 3), ofRun),
  c(
    'createFinding',
    'finding.created',
    (f) =>
      createFinding(ctx, { runId: f.run.id, taskId: f.task.id, source: 'sec', severity: 'low', issue: 'x' }),
    ofTask,
  ),
  c('setFindingStatus', 'finding.status_changed', (f) => setFindingStatus(ctx, f.findingId, 'fixed'), ofTask),
  c(
    'createBugReport',
    'bug_report.created',
    () => createBugReport(ctx, { title: 'the button is gone' }),
    none,
  ),
  c(
    'setBugReportStatus',
    'bug_report.status_changed',
    (f) => setBugReportStatus(ctx, f.bugReportId, 'triaged'),
    none,
  ),
  c('saveRoleConfig', 'role_config.saved', (f) => saveQa(f, 'review it'), ofProject),
  c(
    'activateRoleVersion',
    'role_config.activated',
    (f) => activateRoleVersion(ctx, 'qa', 1, f.project.id),
    ofProject,
    async (f) => {
      await saveQa(f, 'first');
      await saveQa(f, 'second');
    },
  ),
  c('seedDefaultRoleConfigs (first call)', 'role_config.seeded', () => seedDefaultRoleConfigs(ctx), none),
  c('createToken', 'token.created', () => createToken(ctx, { name: 'ci', role: 'operator' }), none),
  c(
    'decideApproval',
    'approval.decided',
    async (f) => decideApproval(ctx, await escalationOf(f), { decision: 'approve' }),
    ofTask,
    escalate,
  ),
  c('revokeToken', 'token.revoked', (f) => revokeToken(ctx, f.tokenId), none),
  c(
    'cancelJob of a job an escalation waits on (the approval is void in the same change)',
    'job.cancelled',
    async (f) => {
      const approval = (await listApprovals(database.db, { runId: f.run.id, limit: 1, offset: 0 })).items[0]!;
      await cancelJob(ctx, approval.jobId!);
      return approval;
    },
    ofTask,
    escalate,
  ),
  c(
    'markLostWorkers',
    'worker.lost',
    () => markLostWorkers(ctx, 1800),
    none,
    async () => {
      const id = uniqueName('lost-worker');
      await registerWorker(ctx, { id, host: 'gone', pid: 1, concurrency: 1 });
      await database.db.execute(
        sql`update workers set last_heartbeat_at = now() - interval '1 hour' where id = ${id}`,
      );
    },
  ),
  c(
    'reviveWorker',
    'worker.returned',
    () => reviveWorker(ctx, 'returning-worker'),
    none,
    async () => {
      await registerWorker(ctx, { id: 'returning-worker', host: 'back', pid: 2, concurrency: 1 });
      await database.db.execute(sql`update workers set stopped_at = now() where id = 'returning-worker'`);
    },
  ),
];

describe('one event per state change', () => {
  it.each(CASES)('$name appends exactly one $type event', async ({ type, arrange, act }) => {
    const f = await fixture();
    await arrange?.(f);
    const before = await lastEventId();
    const ids = await act(f);
    const appended = await eventsAfter(before);
    // A run's phase move is told as a run.phase_changed event of its own, beside the change's one event.
    const own = appended.filter((event) => event.type !== 'run.phase_changed');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ type, ...ids, actor: 'test' });
    for (const move of appended.filter((event) => event.type === 'run.phase_changed'))
      expect(move).toMatchObject({ runId: own[0]!.runId, projectId: own[0]!.projectId, actor: 'test' });
  });

  it('a second seedDefaultRoleConfigs call appends no event and changes nothing', async () => {
    await seedDefaultRoleConfigs(ctx);
    const before = await snapshot();
    expect(await seedDefaultRoleConfigs(ctx)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});

interface Failure {
  name: string;
  arrange?: (f: Fixture) => Promise<unknown>;
  call(f: Fixture): Promise<unknown>;
  error: { code: string; status: number };
}

const conflict = (code: string) => ({ code, status: 409 });

const FAILURES: Failure[] = [
  {
    name: 'advanceStage with a stale version',
    arrange: (f) => advanceStage(ctx, f.task.id, { result: 'pass', version: f.task.version }),
    call: (f) => advanceStage(ctx, f.task.id, { result: 'pass', version: f.task.version }),
    error: conflict('WH_VERSION_CONFLICT'),
  },
  {
    name: 'killRun on a killed run',
    arrange: (f) => killRun(ctx, f.run.id),
    call: (f) => killRun(ctx, f.run.id),
    error: conflict('WH_ILLEGAL_PHASE_TRANSITION'),
  },
  {
    name: 'createTask in a killed run',
    arrange: (f) => killRun(ctx, f.run.id),
    call: (f) => createTask(ctx, { runId: f.run.id, title: 'too late' }),
    error: conflict('WH_RUN_KILLED'),
  },
  {
    name: 'createProject with a taken name',
    call: (f) => createProject(ctx, { name: f.project.name, repository: '/elsewhere' }),
    error: conflict('WH_ALREADY_EXISTS'),
  },
  {
    name: 'setStage to the current stage',
    call: (f) => setStage(ctx, f.task.id, { stage: 'dev' }),
    error: conflict('WH_ILLEGAL_STAGE_TRANSITION'),
  },
  {
    name: 'triggerAgent with nothing held',
    call: (f) => triggerAgent(ctx, f.run.id, 'docs'),
    error: conflict('WH_NOTHING_TO_TRIGGER'),
  },
  {
    name: 'decideApproval twice',
    arrange: async (f) => {
      await escalate(f);
      await decideApproval(ctx, await escalationOf(f), { decision: 'reject' });
    },
    call: async (f) => decideApproval(ctx, await escalationOf(f), { decision: 'approve' }),
    error: conflict('WH_APPROVAL_DECIDED'),
  },
  {
    name: 'revokeToken twice',
    arrange: (f) => revokeToken(ctx, f.tokenId),
    call: (f) => revokeToken(ctx, f.tokenId),
    error: { code: 'WH_TOKEN_NOT_FOUND', status: 404 },
  },
];

describe('a refused call', () => {
  it.each(FAILURES)('$name appends no event and changes nothing', async ({ arrange, call, error }) => {
    const f = await fixture();
    await arrange?.(f);
    const before = await snapshot();
    await expect(call(f)).rejects.toMatchObject(error);
    expect(await snapshot()).toEqual(before);
  });
});
