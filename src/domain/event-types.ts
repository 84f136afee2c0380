/**
 * Every event Workhorse writes, by name, with what it means. This list is the one catalogue: the payload
 * schemas (events.ts) are keyed by it, the event stream names its frames by it, the dashboard subscribes to
 * exactly these names, and a test fails if a database ever holds an event not listed here.
 *
 * Names are `<subject>.<what happened>`, in the past tense.
 */
export const EVENT_MEANINGS = {
  'project.created': 'A project was registered.',
  'project.updated': "A project's settings changed (the payload names the fields).",
  'run.created': 'A run started on a goal; its plan job is queued unless tasks were given.',
  'run.planned': "The PM's plan was accepted: its tasks exist and the run moved to running.",
  'run.killed': 'A run was killed; its open jobs were cancelled.',
  'run.paused': 'A run was paused; its queued jobs are held until it resumes.',
  'run.resumed': 'A paused run goes on; its held jobs are queued again.',
  'run.agent_triggered': 'Someone released the held jobs of one role (or of all roles) in a run.',
  'run.pipeline_triggered': "Someone restarted a run's pipeline.",
  'run.tested':
    "The run branch's own test command ran as a whole; the run moved on (and a deploy approval was asked for) or got a fix task.",
  'run.phase_changed':
    'A run entered another phase; written beside the event of the change that moved it (planned, tested, approved, deployed, killed...).',
  'run.deployed': 'An approved run was released (merged or pushed) and its deploy succeeded.',
  'run.deploy_failed':
    "An approved run's deploy failed: a finding and a fix task were made, and the run is building again.",
  'task.created': 'A task was added to a run (by the plan, a person, or as a fix of a finding).',
  'task.updated': "A task's fields were edited (and its stage, if set).",
  'task.stage_advanced': 'A task moved to its next stage, or back to dev, by a reported result.',
  'task.stage_set': "Someone set a task's stage by hand.",
  'task.paused': 'A task was paused on its own; its queued jobs are held until it resumes.',
  'task.resumed': 'A paused task goes on; its held jobs are queued again (unless its run is paused).',
  'task.stage_result': "A stage's agent finished and the evidence decided where the task goes.",
  'task.review_requested':
    "A task's last stage passed and its project requires a person's review: it waits before its merge.",
  'task.review_accepted':
    "A person accepted a task's change; the job merging it into its run branch is queued.",
  'task.review_sent_back': 'A person sent a task back to dev with review comments, stored as findings.',
  'task.note_added':
    "A person or the Director left a course-correct note on a task, for its next agent's prompt.",
  'task.notes_delivered':
    "A job's agent started with a task's notes in its prompt; later jobs no longer carry them.",
  'job.enqueued': 'A job was added to the queue (or held, in a paused run).',
  'job.claimed': 'A worker took a job, under a fresh lease.',
  'job.released': 'A worker gave a job back unfinished (it was stopping); it is queued at the same attempt.',
  'job.succeeded': 'A job finished and its result was recorded.',
  'job.retry_scheduled': 'A job attempt failed; the next attempt waits for its backoff.',
  'job.failed': 'A job failed in a way no retry can fix.',
  'job.dead': 'A job used all its attempts.',
  'job.lease_expired': "A job's worker stopped renewing its lease; the job goes back to the queue.",
  'job.cancelled': 'A job was cancelled (by a person, a kill, or a stage result that made it moot).',
  'job.retried': 'Someone queued a failed or dead job again.',
  'job.result_superseded': 'A job finished after its task had moved on; its result changed nothing.',
  'job.stale_write_refused': 'A worker whose lease was lost tried to write; the write changed nothing.',
  'job.output': "A chunk of a running job's log.",
  'finding.created': 'A stage recorded a finding (a bug, a vulnerability, a missing doc).',
  'finding.status_changed': "A finding's status changed (fixed, dismissed...).",
  'bug_report.created': 'Someone filed a bug report about Workhorse itself.',
  'bug_report.status_changed': "A bug report's status changed.",
  'role_config.saved': "A role's prompt and settings were saved as a new version.",
  'role_config.activated': "An earlier version of a role's configuration was made current.",
  'role_config.seeded': 'The built-in role configurations were written at first start.',
  'approval.decided': 'A person approved or rejected a pending approval.',
  'director.intervened':
    'The Director acted on what one of its rules found (a requeue, a finding that sends a task back, a warning, a paused run).',
  'director.review_requested':
    "A review of a run by the director role's agent was queued (asked for by a person, or by the schedule).",
  'director.reviewed':
    "The director role's agent reviewed a run: the interventions its valid report proposed were applied, each named with its outcome (they have no event of their own).",
  'director.updated':
    "Someone turned the Director on or off, or changed its rules' settings, for the whole installation.",
  'webhook.created': 'A webhook subscription was made (its secret is never in an event).',
  'webhook.updated': "A webhook subscription's URL, filters, description or switch changed.",
  'webhook.deleted': 'A webhook subscription was deleted; nothing more is delivered to it.',
  'webhook.secret_rotated':
    "A webhook subscription's secret was replaced; the previous one signs too until the overlap ends.",
  'webhook.disabled':
    'A webhook subscription was disabled by its deliveries: its receiver answered 410 Gone, or an event stayed undelivered through every retry.',
  'webhook.test': 'Someone asked for a test event; it is delivered only to the subscription it names.',
  'webhook.redelivery_requested': 'Someone asked for an event to be delivered again to one subscription.',
  'token.created': 'An API token was made.',
  'token.revoked': 'An API token was revoked.',
  'worker.started': 'A worker process started and registered.',
  'worker.stopped': 'A worker process stopped cleanly.',
  'worker.lost': "A worker's heartbeat stopped; it is presumed dead.",
  'worker.returned': 'A worker presumed lost sent a heartbeat again.',
} as const satisfies Record<string, string>;

export type EventType = keyof typeof EVENT_MEANINGS;

export const EVENT_TYPES = Object.keys(EVENT_MEANINGS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_MEANINGS, type);
}
