/** Where a task came from: the PM's plan, a person, or a finding it fixes. */
export const TASK_SOURCES = Object.freeze(['pm', 'manual', 'finding'] as const);
