import { z } from 'zod';
import { projectListSchema, projectSchema, projectSettingsSchema } from '../../contracts/projects.ts';
import { errors } from '../../errors/catalogue.ts';
import { createProject, getProject, listProjects, updateProject } from '../../services/projects.ts';
import { repositoryProblem } from '../../worker/repository-check.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, nonEmpty } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const command = z.string().trim().max(2000).nullable().optional();

const projectBody = z.object({
  name: nonEmpty(200),
  repository: nonEmpty(2000).describe('a local path or a git URL'),
  default_branch: nonEmpty(200).optional(),
  test_command: command,
  lint_command: command,
  build_command: command,
  deploy_command: command,
  settings: projectSettingsSchema.optional(),
});

function fields(body: Partial<z.infer<typeof projectBody>>) {
  return {
    name: body.name,
    repository: body.repository,
    defaultBranch: body.default_branch,
    testCommand: body.test_command,
    lintCommand: body.lint_command,
    buildCommand: body.build_command,
    deployCommand: body.deploy_command,
    settings: body.settings,
  };
}

/** The column's default (db/schema.ts), when a new project names none. */
const DEFAULT_BRANCH = 'main';

/** A repository no job could work in is refused here, naming the field to correct. */
async function assertWorkable(repository: string, defaultBranch: string): Promise<void> {
  const problem = await repositoryProblem(repository, defaultBranch);
  if (problem) throw errors.invalidFields([{ field: `body.${problem.field}`, message: problem.message }]);
}

/** Drops keys the client did not send, so a PATCH changes only what it names. */
function sent<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}

export function registerProjectRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/projects',
    { config: { permission: 'read' }, schema: { tags: ['projects'], response: { 200: projectListSchema } } },
    async () => ({ items: toApi(await listProjects(db)) }),
  );

  app.post(
    '/api/projects',
    {
      config: { permission: 'operate' },
      schema: { tags: ['projects'], body: projectBody, response: { 201: projectSchema } },
    },
    async (request, reply) => {
      const { name, repository, ...rest } = fields(request.body);
      await assertWorkable(repository!, request.body.default_branch ?? DEFAULT_BRANCH);
      const project = await createProject(contextFor(deps, request), {
        name: name!,
        repository: repository!,
        ...sent(rest),
      });
      reply.code(201);
      return toApi(project);
    },
  );

  app.get(
    '/api/projects/:id',
    {
      config: { permission: 'read' },
      schema: { tags: ['projects'], params: idParams, response: { 200: projectSchema } },
    },
    async (request) => toApi(await getProject(db, request.params.id)),
  );

  app.patch(
    '/api/projects/:id',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['projects'],
        params: idParams,
        body: projectBody.partial(),
        response: { 200: projectSchema },
      },
    },
    async (request) => {
      const { repository, default_branch: branch } = request.body;
      if (repository !== undefined || branch !== undefined) {
        const current = await getProject(db, request.params.id);
        await assertWorkable(repository ?? current.repository, branch ?? current.defaultBranch);
      }
      return toApi(
        await updateProject(contextFor(deps, request), request.params.id, sent(fields(request.body))),
      );
    },
  );
}
