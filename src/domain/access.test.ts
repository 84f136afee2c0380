import { describe, expect, it } from 'vitest';
import {
  can,
  isTokenRole,
  PERMISSIONS,
  type Permission,
  permissionsOf,
  TOKEN_ROLES,
  type TokenRole,
} from './access.ts';

const ALL_ROLES: TokenRole[] = ['admin', 'operator', 'approver', 'viewer', 'worker'];
const ALL_PERMISSIONS: Permission[] = ['read', 'report', 'operate', 'approve', 'work', 'admin'];

/** Every grant, written out; any role x permission pair not listed must be refused. */
const GRANTS: Record<TokenRole, Permission[]> = {
  admin: ['read', 'report', 'operate', 'approve', 'work', 'admin'],
  operator: ['read', 'report', 'operate'],
  approver: ['read', 'report', 'approve'],
  viewer: ['read', 'report'],
  worker: ['read', 'work'],
};

const NON_MEMBERS: unknown[] = ['DEV', '', undefined, 3, null, 'Admin', 'root', 'read'];

describe('access constants', () => {
  it('lists roles and permissions', () => {
    expect([...TOKEN_ROLES]).toEqual(ALL_ROLES);
    expect([...PERMISSIONS]).toEqual(ALL_PERMISSIONS);
  });

  it.each([
    ['TOKEN_ROLES', TOKEN_ROLES],
    ['PERMISSIONS', PERMISSIONS],
  ])('%s is frozen', (_name, value) => {
    expect(Object.isFrozen(value)).toBe(true);
  });
});

describe('isTokenRole', () => {
  it.each(ALL_ROLES)('accepts %s', (role) => {
    expect(isTokenRole(role)).toBe(true);
  });

  it.each(NON_MEMBERS)('rejects %o', (value) => {
    expect(isTokenRole(value)).toBe(false);
  });
});

describe('can', () => {
  const cases = ALL_ROLES.flatMap((role) =>
    ALL_PERMISSIONS.map((permission) => [role, permission, GRANTS[role].includes(permission)] as const),
  );

  it('grants each role exactly its row of the table, through permissionsOf too', () => {
    for (const role of ALL_ROLES) expect([...permissionsOf(role)].sort()).toEqual([...GRANTS[role]].sort());
  });

  it.each(cases)('can(%s, %s) -> %s', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });

  it.each(ALL_ROLES)('%s may read', (role) => {
    expect(can(role, 'read')).toBe(true);
  });

  it('only admin holds the admin permission', () => {
    expect(ALL_ROLES.filter((role) => can(role, 'admin'))).toEqual(['admin']);
  });
});

describe('permissionsOf', () => {
  it.each(ALL_ROLES)('%s has exactly the expected permissions', (role) => {
    expect([...permissionsOf(role)].sort()).toEqual([...GRANTS[role]].sort());
  });

  it.each(ALL_ROLES)('permissionsOf(%s) agrees with can', (role) => {
    for (const permission of ALL_PERMISSIONS) {
      expect(permissionsOf(role).includes(permission)).toBe(can(role, permission));
    }
  });
});
