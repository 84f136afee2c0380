/**
 * Role prompts live in the database, versioned. Saving makes a new version and activates it; activating an
 * older version rolls back. A project may override a role; otherwise the global version applies.
 */
import { and, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { roleConfigs } from '../db/schema.ts';
import { loadDefaultRoleConfigs } from '../db/seed/default-roles.ts';
import type { RoleName } from '../domain/roles.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadProject } from './steps/load.ts';

export type RoleConfig = typeof roleConfigs.$inferSelect;

function scope(role: RoleName, projectId: number | null): SQL {
  return and(
    eq(roleConfigs.role, role),
    projectId === null ? isNull(roleConfigs.projectId) : eq(roleConfigs.projectId, projectId),
  )!;
}

async function deactivate(tx: Tx, role: RoleName, projectId: number | null): Promise<void> {
  await tx
    .update(roleConfigs)
    .set({ active: false })
    .where(and(scope(role, projectId), eq(roleConfigs.active, true)));
}

export interface RoleConfigInput {
  prompt: string;
  settings?: Record<string, unknown> | undefined;
  projectId?: number | null | undefined;
}

export function saveRoleConfig(
  ctx: ServiceContext,
  role: RoleName,
  input: RoleConfigInput,
): Promise<RoleConfig> {
  return inTransaction(ctx, async (tx) => {
    const projectId = input.projectId ?? null;
    if (projectId !== null) await loadProject(tx, projectId);
    const [latest] = await tx
      .select()
      .from(roleConfigs)
      .where(scope(role, projectId))
      .orderBy(desc(roleConfigs.version))
      .limit(1)
      .for('update');
    await deactivate(tx, role, projectId);
    const [saved] = (await tx
      .insert(roleConfigs)
      .values({
        role,
        projectId,
        version: (latest?.version ?? 0) + 1,
        prompt: input.prompt,
        settings: input.settings ?? latest?.settings ?? {},
        active: true,
        createdBy: ctx.actor,
      })
      .returning()) as [RoleConfig];
    await appendEvent(tx, ctx.actor, {
      type: 'role_config.saved',
      projectId,
      payload: { role, version: saved.version, previous_version: latest?.version ?? null },
    });
    return saved;
  });
}

export function activateRoleVersion(
  ctx: ServiceContext,
  role: RoleName,
  version: number,
  projectId: number | null = null,
): Promise<RoleConfig> {
  return inTransaction(ctx, async (tx) => {
    const [target] = await tx
      .select()
      .from(roleConfigs)
      .where(and(scope(role, projectId), eq(roleConfigs.version, version)));
    if (!target) throw errors.roleVersionNotFound(role, version);
    await deactivate(tx, role, projectId);
    const [activated] = (await tx
      .update(roleConfigs)
      .set({ active: true })
      .where(eq(roleConfigs.id, target.id))
      .returning()) as [RoleConfig];
    await appendEvent(tx, ctx.actor, {
      type: 'role_config.activated',
      projectId,
      payload: { role, version },
    });
    return activated;
  });
}

/** Loads the default prompts for roles that have none yet; a no-op (and no event) when all exist. */
export function seedDefaultRoleConfigs(ctx: ServiceContext): Promise<string[]> {
  return inTransaction(ctx, async (tx) => {
    const existing = await tx
      .selectDistinct({ role: roleConfigs.role })
      .from(roleConfigs)
      .where(isNull(roleConfigs.projectId));
    const have = new Set(existing.map((row) => row.role));
    const missing = loadDefaultRoleConfigs().filter((config) => !have.has(config.role));
    if (missing.length === 0) return [];
    await tx.insert(roleConfigs).values(
      missing.map((config) => ({
        role: config.role,
        version: 1,
        prompt: config.prompt,
        settings: { ...config.settings },
        active: true,
        createdBy: 'workhorse',
      })),
    );
    const roles = missing.map((config) => config.role);
    await appendEvent(tx, ctx.actor, { type: 'role_config.seeded', payload: { roles } });
    return roles;
  });
}

/** The active version of each role: global ones, and a project's overrides when a project is given. */
export async function listActiveRoleConfigs(
  db: Queryable,
  projectId: number | null = null,
): Promise<RoleConfig[]> {
  const rows = await db
    .select()
    .from(roleConfigs)
    .where(
      and(
        eq(roleConfigs.active, true),
        projectId === null
          ? isNull(roleConfigs.projectId)
          : sql`(${roleConfigs.projectId} is null or ${roleConfigs.projectId} = ${projectId})`,
      ),
    )
    .orderBy(roleConfigs.role, sql`${roleConfigs.projectId} nulls first`);
  const byRole = new Map<string, RoleConfig>();
  for (const row of rows) byRole.set(row.role, row);
  return [...byRole.values()];
}

export function listRoleVersions(
  db: Queryable,
  role: RoleName,
  projectId: number | null = null,
): Promise<RoleConfig[]> {
  return db.select().from(roleConfigs).where(scope(role, projectId)).orderBy(desc(roleConfigs.version));
}

/** The configuration a job of `role` runs with in `projectId`: the project's override, else the global one. */
export async function activeRoleConfig(
  db: Queryable,
  role: string,
  projectId: number,
): Promise<RoleConfig | null> {
  const configs = await listActiveRoleConfigs(db, projectId);
  return configs.find((config) => config.role === role) ?? null;
}
