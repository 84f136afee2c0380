/** API token roles and what each may do. */
export const TOKEN_ROLES = Object.freeze(['admin', 'operator', 'approver', 'viewer', 'worker'] as const);
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * read: see anything; report: file a bug report; operate: change projects, runs and tasks;
 * approve: decide approvals; work: claim and report jobs; admin: tokens and settings.
 */
export const PERMISSIONS = Object.freeze(['read', 'report', 'operate', 'approve', 'work', 'admin'] as const);
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Readonly<Record<TokenRole, readonly Permission[]>> = Object.freeze({
  admin: PERMISSIONS,
  operator: ['read', 'report', 'operate'],
  approver: ['read', 'report', 'approve'],
  viewer: ['read', 'report'],
  worker: ['read', 'work'],
});

export function isTokenRole(value: unknown): value is TokenRole {
  return typeof value === 'string' && (TOKEN_ROLES as readonly string[]).includes(value);
}

export function can(role: TokenRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: TokenRole): readonly Permission[] {
  return GRANTS[role];
}
