/**
 * A person's review of a task's change before it merges into its run branch. With the project setting
 * `review.required`, a task whose last stage passed waits (`awaiting`) instead of merging, until a person
 * accepts it (`accepted`: its merge is queued) or sends it back to dev with line comments (findings of
 * source `review`). Any stage move clears the state: a changed task is reviewed afresh.
 */
export const REVIEW_STATES = Object.freeze(['awaiting', 'accepted'] as const);
export type ReviewState = (typeof REVIEW_STATES)[number];

/** Whether a project holds its tasks for a person's acceptance before they merge. */
export function reviewRequired(settings: { review?: { required?: boolean } } | null | undefined): boolean {
  return settings?.review?.required === true;
}
