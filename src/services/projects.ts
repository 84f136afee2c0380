/** Projects: a git repository, its default branch and the commands Workhorse runs as gates. */
import { asc, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/client.ts';
import { type ProjectSettings, projects } from '../db/schema.ts';
import { errors } from '../errors/catalogue.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { appendEvent } from './events.ts';
import { loadProject, type Project } from './steps/load.ts';

export interface ProjectFields {
  name: string;
  repository: string;
  defaultBranch?: string | undefined;
  testCommand?: string | null | undefined;
  lintCommand?: string | null | undefined;
  buildCommand?: string | null | undefined;
  deployCommand?: string | null | undefined;
  settings?: ProjectSettings | undefined;
}

async function assertNameFree(tx: Tx, name: string, exceptId?: number): Promise<void> {
  const [clash] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.name, name));
  if (clash && clash.id !== exceptId) throw errors.alreadyExists('project', 'name', name);
}

export function createProject(ctx: ServiceContext, input: ProjectFields): Promise<Project> {
  return inTransaction(ctx, async (tx) => {
    await assertNameFree(tx, input.name);
    const [project] = (await tx.insert(projects).values(input).returning()) as [Project];
    await appendEvent(tx, ctx.actor, {
      type: 'project.created',
      projectId: project.id,
      payload: { name: project.name, repository: project.repository },
    });
    return project;
  });
}

export function updateProject(
  ctx: ServiceContext,
  projectId: number,
  edit: Partial<ProjectFields>,
): Promise<Project> {
  return inTransaction(ctx, async (tx) => {
    await loadProject(tx, projectId);
    if (edit.name !== undefined) await assertNameFree(tx, edit.name, projectId);
    const [project] = (await tx
      .update(projects)
      .set({ ...edit, updatedAt: sql`now()` })
      .where(eq(projects.id, projectId))
      .returning()) as [Project];
    await appendEvent(tx, ctx.actor, {
      type: 'project.updated',
      projectId,
      payload: { changes: Object.keys(edit) },
    });
    return project;
  });
}

export function getProject(db: Queryable, projectId: number): Promise<Project> {
  return loadProject(db, projectId);
}

export function listProjects(db: Queryable): Promise<Project[]> {
  return db.select().from(projects).orderBy(asc(projects.name));
}
