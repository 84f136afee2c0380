/**
 * An approval's life: pending until a person approves or rejects it, or void when what it was about went
 * away first (its held job was cancelled, or a newer escalation of the same task replaced it).
 */
export const APPROVAL_STATES = Object.freeze(['pending', 'approved', 'rejected', 'void'] as const);
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const APPROVAL_KINDS = Object.freeze(['deploy', 'escalation', 'budget'] as const);
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
