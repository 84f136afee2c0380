/** The catalogue of coded errors. Add here; never build an AppError ad hoc elsewhere. */
import { AppError } from './app-error.ts';
import type { ErrorCode } from './codes.ts';

type Entity =
  | 'project'
  | 'run'
  | 'task'
  | 'job'
  | 'finding'
  | 'role_config'
  | 'bug_report'
  | 'approval'
  | 'token'
  | 'webhook'
  | 'webhook_delivery';

const NOT_FOUND: Readonly<Record<Entity, ErrorCode>> = {
  project: 'WH_PROJECT_NOT_FOUND',
  run: 'WH_RUN_NOT_FOUND',
  task: 'WH_TASK_NOT_FOUND',
  job: 'WH_JOB_NOT_FOUND',
  finding: 'WH_FINDING_NOT_FOUND',
  role_config: 'WH_ROLE_CONFIG_NOT_FOUND',
  bug_report: 'WH_BUG_REPORT_NOT_FOUND',
  approval: 'WH_APPROVAL_NOT_FOUND',
  token: 'WH_TOKEN_NOT_FOUND',
  webhook: 'WH_WEBHOOK_NOT_FOUND',
  webhook_delivery: 'WH_WEBHOOK_DELIVERY_NOT_FOUND',
};

export const errors = {
  notFound: (entity: Entity, id: number | string) =>
    new AppError(NOT_FOUND[entity], `${entity.replaceAll('_', ' ')} ${id} not found`, { id }),
  routeNotFound: (method: string, url: string) =>
    new AppError('WH_ROUTE_NOT_FOUND', `no route ${method} ${url}`, { method, url }),
  validation: (message: string, details: Record<string, unknown>) =>
    new AppError('WH_VALIDATION_FAILED', message, details),
  /** A 400 naming each field (`body.url`, `query.limit`) and what is wrong with it, as the schemas' do. */
  invalidFields: (fields: { field: string; message: string }[]) =>
    new AppError(
      'WH_VALIDATION_FAILED',
      fields.map((field) => `${field.field}: ${field.message}`).join('; '),
      {
        issues: fields,
      },
    ),
  badJson: (message: string) => new AppError('WH_BAD_JSON', `the request body is not valid JSON: ${message}`),
  databaseUnavailable: () =>
    new AppError('WH_DATABASE_UNAVAILABLE', 'the database cannot be reached right now; try again shortly'),
  unauthenticated: () =>
    new AppError('WH_UNAUTHENTICATED', 'a valid API token is required (Authorization: Bearer <token>)'),
  forbidden: (role: string, permission: string) =>
    new AppError(
      'WH_FORBIDDEN',
      `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} token may not ${permission}`,
      {
        role,
        permission,
      },
    ),
  versionConflict: (taskId: number, expected: number, current: number) =>
    new AppError('WH_VERSION_CONFLICT', `task ${taskId} is at version ${current}, not ${expected}`, {
      task_id: taskId,
      expected_version: expected,
      current_version: current,
    }),
  notAwaitingReview: (taskId: number, state: string | null) =>
    new AppError('WH_TASK_NOT_AWAITING_REVIEW', `task ${taskId} is not awaiting review`, {
      task_id: taskId,
      review_state: state,
    }),
  taskDiffUnavailable: (taskId: number, taskBranch: string, runBranch: string) =>
    new AppError(
      'WH_TASK_DIFF_UNAVAILABLE',
      `task ${taskId}: its branch ${taskBranch} shares no history with the run branch ${runBranch}`,
      { task_id: taskId, task_branch: taskBranch, run_branch: runBranch },
    ),
  illegalStageMove: (taskId: number, stage: string, reason: string) =>
    new AppError('WH_ILLEGAL_STAGE_TRANSITION', `task ${taskId}: ${reason}`, {
      task_id: taskId,
      current_stage: stage,
    }),
  illegalPhaseMove: (runId: number, phase: string, reason: string) =>
    new AppError('WH_ILLEGAL_PHASE_TRANSITION', `run ${runId}: ${reason}`, {
      run_id: runId,
      current_phase: phase,
    }),
  runNotActive: (runId: number, phase: string) =>
    new AppError('WH_RUN_NOT_ACTIVE', `run ${runId} is ${phase}; it takes no more work`, {
      run_id: runId,
      current_phase: phase,
    }),
  runKilled: (runId: number) =>
    new AppError('WH_RUN_KILLED', `run ${runId} has been killed`, {
      run_id: runId,
      current_phase: 'killed',
    }),
  taskBlocked: (taskId: number, blockedBy: number[]) =>
    new AppError('WH_TASK_BLOCKED', `task ${taskId} waits for tasks ${blockedBy.join(', ')}`, {
      task_id: taskId,
      blocked_by: blockedBy,
    }),
  dependencyCycle: (cycle: number[]) =>
    new AppError('WH_DEPENDENCY_CYCLE', `the dependencies form a cycle: ${cycle.join(' -> ')}`, {
      cycle,
    }),
  foreignDependency: (taskIds: number[], runId: number) =>
    new AppError('WH_FOREIGN_DEPENDENCY', `tasks ${taskIds.join(', ')} are not tasks of run ${runId}`, {
      task_ids: taskIds,
      run_id: runId,
    }),
  nothingToTrigger: (runId: number, role: string | null) =>
    new AppError(
      'WH_NOTHING_TO_TRIGGER',
      `run ${runId} has no held ${role ? `${role} ` : ''}jobs to trigger`,
      { run_id: runId, role },
    ),
  illegalJobMove: (jobId: number, state: string, wanted: string) =>
    new AppError('WH_ILLEGAL_JOB_TRANSITION', `job ${jobId} is ${state}; it cannot become ${wanted}`, {
      job_id: jobId,
      current_state: state,
    }),
  /** A final job whose work has moved on: retrying it would run a stage its task has left. */
  jobNotRetryable: (jobId: number, state: string, reason: string) =>
    new AppError('WH_ILLEGAL_JOB_TRANSITION', `job ${jobId} is ${state} and cannot be retried: ${reason}`, {
      job_id: jobId,
      current_state: state,
    }),
  alreadyExists: (entity: Entity, field: string, value: string) =>
    new AppError('WH_ALREADY_EXISTS', `a ${entity} with ${field} "${value}" already exists`, {
      field,
      value,
    }),
  roleVersionNotFound: (role: string, version: number) =>
    new AppError('WH_ROLE_CONFIG_NOT_FOUND', `role ${role} has no version ${version}`, {
      role,
      version,
    }),
  approvalDecided: (approvalId: number, state: string) =>
    new AppError('WH_APPROVAL_DECIDED', `approval ${approvalId} is already ${state}`, {
      approval_id: approvalId,
      current_state: state,
    }),
  directorOff: (projectId: number) =>
    new AppError('WH_DIRECTOR_OFF', `the Director is off for project ${projectId}; turn it on first`, {
      project_id: projectId,
    }),
} as const;
