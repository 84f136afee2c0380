import { z } from 'zod';
import { pipelineSchema } from '../../domain/pipeline-schema.ts';
import { createProject, getProject, listProjects, updateProject } from '../../services/projects.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, MAX_TIMEOUT_SECONDS, nonEmpty } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const command = z.string().trim().max(2000).nullable().optional();
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
const sandboxSettings = z.object({ network: z.enum(['on', 'none']).optional() });

const projectBody = z.object({
  name: nonEmpty(200),
  repository: nonEmpty(2000).describe('a local path or a git URL'),
  default_branch: nonEmpty(200).optional(),
  test_command: command,
  lint_command: command,
  build_command: command,
  deploy_command: command,
  settings: z
    .object({
      roles: z
        .record(
          z.string(),
          z.object({
            backend: z.string().max(100).optional(),
            model: z.string().max(200).optional(),
            timeoutSeconds: z.number().int().positive().max(MAX_TIMEOUT_SECONDS).optional(),
            binary: z.string().max(2000).optional(),
            baseUrl: z
              .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
              .max(2000)
              .optional(),
            apiKeyEnv: envName.optional(),
            sandbox: sandboxSettings.optional(),
          }),
        )
        .optional(),
      sandbox: sandboxSettings.extend({ allowUnsandboxed: z.boolean().optional() }).optional(),
      passEnv: z.array(envName).optional(),
      scriptedRecipe: z.string().max(2000).optional(),
      pipeline: pipelineSchema.optional(),
    })
    .optional(),
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

/** Drops keys the client did not send, so a PATCH changes only what it names. */
function sent<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}

export function registerProjectRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get('/api/projects', { config: { permission: 'read' }, schema: { tags: ['projects'] } }, async () => ({
    items: toApi(await listProjects(db)),
  }));

  app.post(
    '/api/projects',
    { config: { permission: 'operate' }, schema: { tags: ['projects'], body: projectBody } },
    async (request, reply) => {
      const { name, repository, ...rest } = fields(request.body);
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
    { config: { permission: 'read' }, schema: { tags: ['projects'], params: idParams } },
    async (request) => toApi(await getProject(db, request.params.id)),
  );

  app.patch(
    '/api/projects/:id',
    {
      config: { permission: 'operate' },
      schema: { tags: ['projects'], params: idParams, body: projectBody.partial() },
    },
    async (request) =>
      toApi(await updateProject(contextFor(deps, request), request.params.id, sent(fields(request.body)))),
  );
}
