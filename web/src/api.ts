/**
 * A typed fetch client for the Workhorse API. The session rides on the HttpOnly `wh_token` cookie, so no
 * token ever lives in page script. Errors arrive as `{error: {code, message, details}}` and become ApiError.
 */

import type { Approval } from '../../src/contracts/approvals.ts';
import type { BudgetLimits } from '../../src/contracts/budgets.ts';
import type { BugReport } from '../../src/contracts/bug-reports.ts';
import type { DirectorReview, DirectorState, Intervention } from '../../src/contracts/director.ts';
import type { WhEvent } from '../../src/contracts/events.ts';
import type { Finding } from '../../src/contracts/findings.ts';
import type { JobSummary as Job, JobDetail } from '../../src/contracts/jobs.ts';
import type { Project } from '../../src/contracts/projects.ts';
import type { ReviewAccepted, ReviewComment, ReviewSentBack, TaskDiff } from '../../src/contracts/reviews.ts';
import type { RoleConfig } from '../../src/contracts/role-configs.ts';
import type { KilledRun, PhaseChange, RunView as Run, RunBranches } from '../../src/contracts/runs.ts';
import type { Session } from '../../src/contracts/session.ts';
import type { Status } from '../../src/contracts/system.ts';
import type { TaskNote } from '../../src/contracts/task-notes.ts';
import type { BoardTask, StageChange, TaskView as Task } from '../../src/contracts/tasks.ts';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../../src/contracts/webhooks.ts';
import type { ApprovalState } from '../../src/domain/approvals.ts';
import type { BugReportStatus as BugStatus } from '../../src/domain/bug-reports.ts';
import type { DirectorRuleName, DirectorRuleSettings } from '../../src/domain/director.ts';
import type { JobState } from '../../src/domain/job-states.ts';
import type { RoleName } from '../../src/domain/roles.ts';
import type { RunPhase } from '../../src/domain/run-phases.ts';
import type { FindingStatus, Severity } from '../../src/domain/severity.ts';
import type { Stage } from '../../src/domain/stages.ts';

export type { ApprovalState } from '../../src/domain/approvals.ts';
export {
  BUG_REPORT_STATUSES as BUG_STATUSES,
  type BugReportStatus as BugStatus,
} from '../../src/domain/bug-reports.ts';
export { isRetryable, JOB_STATES, type JobState } from '../../src/domain/job-states.ts';
export { RUN_PHASES, type RunPhase } from '../../src/domain/run-phases.ts';
export {
  FINDING_STATUSES,
  type FindingStatus,
  SEVERITIES,
  type Severity,
} from '../../src/domain/severity.ts';
export type { Stage } from '../../src/domain/stages.ts';
export type Decision = 'approve' | 'reject';
/** The raised limits a budget approval is approved with. */
export type RaisedBudget = BudgetLimits;

export { AGENT_BACKEND_NAMES } from '../../src/domain/backend-names.ts';
export {
  DIRECTOR_RULE_NAMES,
  type DirectorRuleName,
  type DirectorRuleSettings,
} from '../../src/domain/director.ts';
export { ROLE_NAMES, type RoleName } from '../../src/domain/roles.ts';

import type { Page } from '../../src/contracts/common.ts';

export type { Approval } from '../../src/contracts/approvals.ts';
export type { BugReport } from '../../src/contracts/bug-reports.ts';
export type { DirectorReview, DirectorState, Intervention } from '../../src/contracts/director.ts';
export type { WhEvent } from '../../src/contracts/events.ts';
export type { Finding } from '../../src/contracts/findings.ts';
export type { BoardJob, JobDetail, JobSummary as Job } from '../../src/contracts/jobs.ts';
export type { Project } from '../../src/contracts/projects.ts';
export type { DiffFile, ReviewComment, TaskDiff } from '../../src/contracts/reviews.ts';
export type { RoleConfig } from '../../src/contracts/role-configs.ts';
export type {
  PhaseChange,
  RunBranches,
  RunUsage,
  RunView as Run,
  SavedWorkRef,
  TaskProgress,
} from '../../src/contracts/runs.ts';
export type { Session } from '../../src/contracts/session.ts';
export type { SandboxStatus, Status } from '../../src/contracts/system.ts';
export type { TaskNote } from '../../src/contracts/task-notes.ts';
export type { BoardTask, StageChange, TaskView as Task } from '../../src/contracts/tasks.ts';
export type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../../src/contracts/webhooks.ts';
export { EVENT_TYPES } from '../../src/domain/event-types.ts';
/** The fields of a task a person may edit; `version` refuses a stale edit with 409. */
export interface TaskEdit {
  title?: string;
  description?: string;
  priority?: number;
  acceptance?: string[];
  version?: number;
}
export type { Page };

/** What a person sets on a webhook subscription (its secret is made by the server). */
export interface WebhookInput {
  url: string;
  description: string;
  /** Empty: every event. */
  event_types: string[];
  project_id: number | null;
}

export type ProjectInput = Pick<
  Project,
  | 'name'
  | 'repository'
  | 'default_branch'
  | 'test_command'
  | 'lint_command'
  | 'build_command'
  | 'deploy_command'
  | 'settings'
>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** Called when any request answers 401: the session is gone (logged out elsewhere, token revoked). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(withQuery(path, query), init);
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (response.status === 401 && path !== '/api/session') unauthorized();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? (response.statusText || 'request failed'),
      error?.details ?? null,
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 300) } };
  }
}

const get = <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query);
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
const remove = <T>(path: string) => request<T>('DELETE', path);

/** Every page of a list endpoint, 500 at a time (the API's largest page). */
async function all<T>(path: string, query: Query): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get<Page<T>>(path, { ...query, limit: 500, offset });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export const api = {
  session: () => get<Session>('/api/session'),
  logout: () => post<{ logged_out: true }>('/api/session/logout'),
  status: () => get<Status>('/api/status'),

  projects: () => get<{ items: Project[] }>('/api/projects'),
  project: (id: number) => get<Project>(`/api/projects/${id}`),
  createProject: (input: ProjectInput) => post<Project>('/api/projects', input),
  updateProject: (id: number, input: Partial<ProjectInput & Pick<Project, 'settings'>>) =>
    patch<Project>(`/api/projects/${id}`, input),

  runs: (query: {
    project_id?: number;
    phase?: RunPhase;
    include_killed?: boolean;
    limit: number;
    offset: number;
  }) => get<Page<Run>>('/api/runs', query),
  run: (id: number) => get<Run>(`/api/runs/${id}`),
  runPhases: (id: number) => get<{ items: PhaseChange[] }>(`/api/runs/${id}/phases`),
  runBranches: (id: number) => get<RunBranches>(`/api/runs/${id}/branches`),
  createRun: (input: { project_id: number; goal: string; skip_planning: boolean }) =>
    post<Run>('/api/runs', input),
  killRun: (id: number) => post<KilledRun>(`/api/runs/${id}/kill`),
  pauseRun: (id: number) => post<Run>(`/api/runs/${id}/pause`),
  resumeRun: (id: number) => post<Run>(`/api/runs/${id}/resume`),
  pauseTask: (id: number) => post<Task>(`/api/tasks/${id}/pause`),
  resumeTask: (id: number) => post<Task>(`/api/tasks/${id}/resume`),
  triggerAgent: (id: number, role?: RoleName) =>
    post<{ released_job_ids: number[] }>(`/api/runs/${id}/trigger-agent`, role ? { role } : {}),
  /** Without `maxIterations` the server's default; on a run ready for commit it asks for the deploy again. */
  triggerPipeline: (id: number, maxIterations?: number) =>
    post<{ released_job_ids: number[] }>(
      `/api/runs/${id}/trigger-pipeline`,
      maxIterations === undefined ? {} : { max_iterations: maxIterations },
    ),

  /** Every task of a run, with only what the board shows: one request, whatever the run's size. */
  board: (runId: number) =>
    get<{ items: BoardTask[] }>(`/api/runs/${runId}/board`).then((answer) => answer.items),
  task: (id: number) => get<Task>(`/api/tasks/${id}`),
  createTask: (input: { run_id: number; title: string; description?: string; priority?: number }) =>
    post<Task>('/api/tasks', input),
  taskNotes: (id: number) => get<{ items: TaskNote[] }>(`/api/tasks/${id}/notes`),
  addTaskNote: (id: number, body: string) => post<TaskNote>(`/api/tasks/${id}/notes`, { body }),
  setStage: (id: number, stage: Stage, version?: number) =>
    post<StageChange>(`/api/tasks/${id}/set-stage`, { stage, version }),
  /** Pass moves the task one stage on; fail sends it back to dev. The note goes into its notes. */
  advanceStage: (id: number, result: 'pass' | 'fail', notes: string, version?: number) =>
    post<StageChange>(`/api/tasks/${id}/advance-stage`, { result, version, ...(notes ? { notes } : {}) }),
  updateTask: (id: number, edit: TaskEdit) => patch<Task>(`/api/tasks/${id}`, edit),
  taskDiff: (id: number) => get<TaskDiff>(`/api/tasks/${id}/diff`),
  acceptReview: (id: number, version?: number) =>
    post<ReviewAccepted>(`/api/tasks/${id}/review/accept`, { version }),
  sendBackFromReview: (id: number, comments: ReviewComment[], version?: number) =>
    post<ReviewSentBack>(`/api/tasks/${id}/review/send-back`, { comments, version }),

  jobs: (query: {
    task_id?: number;
    run_id?: number;
    state?: JobState | '';
    role?: string;
    backend?: string;
    kind?: string;
    limit?: number;
    offset?: number;
  }) => get<Page<Job>>('/api/jobs', query),
  job: (id: number) => get<JobDetail>(`/api/jobs/${id}`),
  retryJob: (id: number) => post<Job>(`/api/jobs/${id}/retry`),
  /** A running job's process tree is killed by its worker. */
  cancelJob: (id: number) => post<Job>(`/api/jobs/${id}/cancel`),

  findings: (query: {
    run_id?: number;
    task_id?: number;
    severity?: Severity | '';
    status?: FindingStatus | '';
    limit?: number;
    offset?: number;
  }) => get<Page<Finding>>('/api/findings', query),
  setFindingStatus: (id: number, status: FindingStatus) => patch<Finding>(`/api/findings/${id}`, { status }),

  bugReports: (query: { status?: BugStatus | ''; limit?: number; offset?: number }) =>
    get<Page<BugReport>>('/api/bug-reports', query),
  createBugReport: (input: { title: string; description: string; page_url: string; browser_info: string }) =>
    post<BugReport>('/api/bug-reports', input),
  setBugStatus: (id: number, status: BugStatus) => patch<BugReport>(`/api/bug-reports/${id}`, { status }),

  /** The active prompt of every role: the global ones, or as a project sees them (its own where it has one). */
  roleConfigs: (projectId: number | null) =>
    get<{ items: RoleConfig[] }>('/api/role-configs', { project_id: projectId ?? undefined }),
  /** A role's versions: the global ones, or a project's own. */
  roleVersions: (role: RoleName, projectId: number | null) =>
    get<{ items: RoleConfig[] }>(`/api/role-configs/${role}`, { project_id: projectId ?? undefined }),
  saveRole: (role: RoleName, prompt: string, projectId: number | null) =>
    post<RoleConfig>(`/api/role-configs/${role}`, { prompt, project_id: projectId }),
  activateRole: (role: RoleName, version: number, projectId: number | null) =>
    post<RoleConfig>(`/api/role-configs/${role}/activate`, { version, project_id: projectId }),

  pendingApprovals: () => get<Page<Approval>>('/api/approvals', { state: 'pending', limit: 1 }),
  /** Newest first. */
  approvals: (query: { state?: ApprovalState; run_id?: number; limit?: number; offset?: number }) =>
    get<Page<Approval>>('/api/approvals', query),
  allApprovals: (state: ApprovalState) => all<Approval>('/api/approvals', { state }),
  decideApproval: (id: number, decision: Decision, note?: string, budget?: RaisedBudget) =>
    post<Approval>(`/api/approvals/${id}/decide`, {
      decision,
      ...(note ? { note } : {}),
      ...(budget ? { budget } : {}),
    }),

  director: () => get<DirectorState>('/api/director'),
  /** Admin: each named rule's settings replace that rule's whole. */
  updateDirector: (change: { enabled?: boolean; rules?: DirectorRuleSettings }) =>
    patch<DirectorState>('/api/director', change),
  /** Newest first. */
  interventions: (query: { rule?: DirectorRuleName | ''; run_id?: number; limit: number; offset?: number }) =>
    get<Page<Intervention>>('/api/director/interventions', query),
  webhooks: () => get<WebhookSubscription[]>('/api/webhooks'),
  /** The answer carries the signing secret, this once. */
  createWebhook: (input: WebhookInput) => post<WebhookSubscriptionWithSecret>('/api/webhooks', input),
  updateWebhook: (id: number, change: Partial<WebhookInput> & { enabled?: boolean }) =>
    patch<WebhookSubscription>(`/api/webhooks/${id}`, change),
  deleteWebhook: (id: number) => remove<WebhookSubscription>(`/api/webhooks/${id}`),
  rotateWebhookSecret: (id: number) =>
    post<WebhookSubscriptionWithSecret>(`/api/webhooks/${id}/rotate-secret`),
  testWebhook: (id: number) => post<{ event_id: number }>(`/api/webhooks/${id}/test`),
  /** Newest first. */
  webhookDeliveries: (id: number, query: { limit: number; offset: number }) =>
    get<Page<WebhookDelivery>>(`/api/webhooks/${id}/deliveries`, query),
  redeliver: (deliveryId: number) => post<WebhookDelivery>(`/api/webhook-deliveries/${deliveryId}/redeliver`),
  /** Admin: the director role's agent reviews the run (a job); an open review is returned instead of a second. */
  reviewRun: (runId: number) => post<DirectorReview>('/api/director/review', { run_id: runId }),
  events: (query: { after_id?: number; limit?: number }) =>
    get<{ items: WhEvent[]; next_after_id: number | null }>('/api/events', query),
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
