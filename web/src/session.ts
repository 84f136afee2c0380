/** Who is logged in, shared with every component; `useCan` hides actions the role may not take. */
import { createContext, useContext } from 'react';
import type { Permission } from '../../src/domain/access.ts';
import type { Session } from './api.ts';

export const SessionContext = createContext<Session | null>(null);

export function useCan(permission: Permission): boolean {
  return useContext(SessionContext)?.permissions.includes(permission) ?? false;
}
