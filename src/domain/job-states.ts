/**
 * Job states. `held` waits for a human trigger; `queued` waits for a worker; `dead` has used all its attempts.
 */
export const JOB_STATES = Object.freeze([
  'held',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'dead',
] as const);
export type JobState = (typeof JOB_STATES)[number];

/**
 * `merge`: a reviewed task's branch merged into its run branch, once a person accepted it.
 * `director_review`: the director role's agent reviewing a run (the Director's optional LLM review).
 */
export const JOB_KINDS = Object.freeze([
  'planning',
  'stage',
  'merge',
  'integration_test',
  'deploy',
  'director_review',
] as const);
export type JobKind = (typeof JOB_KINDS)[number];

const FINAL: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'dead'];
/** Jobs that still hold work: waiting for a person, in the queue, or running. */
export const OPEN_JOB_STATES: readonly JobState[] = Object.freeze(['held', 'queued', 'running']);

const ALLOWED: Readonly<Record<JobState, readonly JobState[]>> = Object.freeze({
  held: ['queued', 'cancelled'],
  queued: ['running', 'held', 'cancelled'],
  running: ['succeeded', 'failed', 'queued', 'dead', 'cancelled'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
  dead: ['queued'],
});

export function isJobState(value: unknown): value is JobState {
  return typeof value === 'string' && (JOB_STATES as readonly string[]).includes(value);
}

export function isFinal(state: JobState): boolean {
  return FINAL.includes(state);
}

/** Open jobs still hold a claim on their task's stage. */
export function isOpen(state: JobState): boolean {
  return OPEN_JOB_STATES.includes(state);
}

export function canMoveJob(from: JobState, to: JobState): boolean {
  return ALLOWED[from].includes(to);
}

/** A final job that did not succeed may be retried by a person. */
export function isRetryable(state: JobState): boolean {
  return state === 'failed' || state === 'cancelled' || state === 'dead';
}
