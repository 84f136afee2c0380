/** Role configurations as the API answers with them. */
import { z } from 'zod';
import { ROLE_NAMES } from '../domain/roles.ts';
import { id, timestamp } from './common.ts';

/** One version of a role's prompt and settings, global (project_id null) or a project's own. */
export const roleConfigSchema = z.strictObject({
  id,
  role: z.enum(ROLE_NAMES),
  project_id: id.nullable(),
  version: z.number().int().positive(),
  prompt: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** The version in use for its role and scope. */
  active: z.boolean(),
  created_by: z.string().nullable(),
  created_at: timestamp,
});
export type RoleConfig = z.infer<typeof roleConfigSchema>;

export const roleConfigListSchema = z.strictObject({ items: z.array(roleConfigSchema) });
