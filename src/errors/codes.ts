/**
 * Every error code the API can answer with, its HTTP status and what it means. A code is a literal here
 * and nowhere composed; docs/errors.md is this table for users, and a test keeps the two in step.
 */
export const ERROR_CODES = {
  WH_VALIDATION_FAILED: {
    status: 400,
    meaning: 'A parameter, query field or body field is missing or invalid; `details.issues` names each one.',
  },
  WH_BAD_JSON: { status: 400, meaning: 'The body is not valid JSON, or is empty where JSON is required.' },
  WH_BAD_URL: { status: 400, meaning: 'The URL is malformed (a bad percent-encoding).' },
  WH_BAD_REQUEST: { status: 400, meaning: 'The request is not valid HTTP (a bad Content-Length, say).' },
  WH_DEPENDENCY_CYCLE: { status: 400, meaning: "The tasks' dependencies would form a cycle." },
  WH_FOREIGN_DEPENDENCY: { status: 400, meaning: 'A task may only depend on tasks of its own run.' },
  WH_UNAUTHENTICATED: {
    status: 401,
    meaning: 'No valid API token (or session cookie) came with the request.',
  },
  WH_FORBIDDEN: { status: 403, meaning: "The token's role does not allow this action." },
  WH_ROUTE_NOT_FOUND: { status: 404, meaning: 'No route answers this method and path.' },
  WH_PROJECT_NOT_FOUND: { status: 404, meaning: 'No project has this id.' },
  WH_RUN_NOT_FOUND: { status: 404, meaning: 'No run has this id.' },
  WH_TASK_NOT_FOUND: { status: 404, meaning: 'No task has this id.' },
  WH_JOB_NOT_FOUND: { status: 404, meaning: 'No job has this id.' },
  WH_FINDING_NOT_FOUND: { status: 404, meaning: 'No finding has this id.' },
  WH_ROLE_CONFIG_NOT_FOUND: { status: 404, meaning: 'No such role, or the role has no such version.' },
  WH_BUG_REPORT_NOT_FOUND: { status: 404, meaning: 'No bug report has this id.' },
  WH_APPROVAL_NOT_FOUND: { status: 404, meaning: 'No approval has this id.' },
  WH_TOKEN_NOT_FOUND: { status: 404, meaning: 'No API token has this id.' },
  WH_WEBHOOK_NOT_FOUND: { status: 404, meaning: 'No webhook subscription has this id.' },
  WH_WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, meaning: 'No webhook delivery has this id.' },
  WH_REQUEST_TIMEOUT: { status: 408, meaning: 'The request took too long to arrive.' },
  WH_VERSION_CONFLICT: {
    status: 409,
    meaning: 'The task changed since it was read (its `version` moved on); read it again and retry.',
  },
  WH_ILLEGAL_STAGE_TRANSITION: {
    status: 409,
    meaning: 'The task cannot move to that stage from where it is.',
  },
  WH_ILLEGAL_PHASE_TRANSITION: {
    status: 409,
    meaning: 'The run cannot move to that phase from where it is.',
  },
  WH_ILLEGAL_JOB_TRANSITION: { status: 409, meaning: 'The job cannot move to that state from where it is.' },
  WH_RUN_NOT_ACTIVE: { status: 409, meaning: 'The run is finished or waiting and takes no more work.' },
  WH_RUN_KILLED: { status: 409, meaning: 'The run has been killed.' },
  WH_TASK_BLOCKED: { status: 409, meaning: 'The task waits for tasks it depends on.' },
  WH_TASK_NOT_AWAITING_REVIEW: {
    status: 409,
    meaning: "The task is not waiting for a person's review before its merge.",
  },
  WH_TASK_DIFF_UNAVAILABLE: {
    status: 409,
    meaning: "The task's branch shares no history with its run's branch (rewritten outside Workhorse).",
  },
  WH_NOTHING_TO_TRIGGER: { status: 409, meaning: 'The run has no held jobs (of that role) to release.' },
  WH_ALREADY_EXISTS: { status: 409, meaning: 'Something with that unique name already exists.' },
  WH_APPROVAL_DECIDED: { status: 409, meaning: 'Someone already decided this approval.' },
  WH_DIRECTOR_OFF: { status: 409, meaning: 'The Director is off (for the installation or the project).' },
  WH_BODY_TOO_LARGE: { status: 413, meaning: 'The body is larger than the server accepts.' },
  WH_MAX_PARAM_LENGTH: { status: 414, meaning: 'A path parameter is longer than the server accepts.' },
  WH_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The body is not JSON (send `Content-Type: application/json`).',
  },
  WH_HEADERS_TOO_LARGE: {
    status: 431,
    meaning: 'The request line or headers are too large (a URL too long?).',
  },
  WH_INTERNAL: { status: 500, meaning: 'A bug: the server log has the details; the response shows none.' },
  WH_DATABASE_UNAVAILABLE: {
    status: 503,
    meaning: 'The database cannot be reached right now; nothing was changed. Try again shortly.',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
