import { z } from 'zod';
import { roleConfigListSchema, roleConfigSchema } from '../../contracts/role-configs.ts';
import { placeholderProblems } from '../../domain/prompt-placeholders.ts';
import { ROLE_NAMES } from '../../domain/roles.ts';
import { errors } from '../../errors/catalogue.ts';
import {
  activateRoleVersion,
  listActiveRoleConfigs,
  listRoleVersions,
  saveRoleConfig,
} from '../../services/role-configs.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { bodyId, optionalId } from '../schemas.ts';
import { toApi } from '../serialize.ts';

const roleParams = z.object({ role: z.enum(ROLE_NAMES) });
const scopeQuery = z.object({ project_id: optionalId });
/** Kept as written, its last newline too (trimming it showed as a removed line in every diff). */
const promptText = z
  .string()
  .max(100_000)
  .refine((prompt) => prompt.trim() !== '', 'a prompt cannot be empty');

/** A prompt that lost the placeholders carrying its goal or task is refused, naming each one. */
function assertPlaceholders(role: string, prompt: string): void {
  const problems = placeholderProblems(role, prompt);
  if (problems.length === 0) return;
  throw errors.invalidFields(problems.map((message) => ({ field: 'body.prompt', message })));
}

export function registerRoleConfigRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/role-configs',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['role-configs'],
        summary: 'The active version of every role',
        querystring: scopeQuery,
        response: { 200: roleConfigListSchema },
      },
    },
    async (request) => ({ items: toApi(await listActiveRoleConfigs(db, request.query.project_id ?? null)) }),
  );

  app.get(
    '/api/role-configs/:role',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['role-configs'],
        summary: 'Every version of a role, newest first',
        params: roleParams,
        querystring: scopeQuery,
        response: { 200: roleConfigListSchema },
      },
    },
    async (request) => ({
      items: toApi(await listRoleVersions(db, request.params.role, request.query.project_id ?? null)),
    }),
  );

  app.post(
    '/api/role-configs/:role',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['role-configs'],
        summary: 'Save a new version of a role and make it active',
        params: roleParams,
        body: z.object({
          prompt: promptText,
          settings: z.record(z.string(), z.unknown()).optional(),
          project_id: bodyId.nullable().optional(),
        }),
        response: { 201: roleConfigSchema },
      },
    },
    async (request, reply) => {
      assertPlaceholders(request.params.role, request.body.prompt);
      const saved = await saveRoleConfig(contextFor(deps, request), request.params.role, {
        prompt: request.body.prompt,
        settings: request.body.settings,
        projectId: request.body.project_id ?? null,
      });
      reply.code(201);
      return toApi(saved);
    },
  );

  app.post(
    '/api/role-configs/:role/activate',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['role-configs'],
        summary: 'Make an earlier version active again (roll back)',
        params: roleParams,
        body: z.object({
          version: bodyId,
          project_id: bodyId.nullable().optional(),
        }),
        response: { 200: roleConfigSchema },
      },
    },
    async (request) =>
      toApi(
        await activateRoleVersion(
          contextFor(deps, request),
          request.params.role,
          request.body.version,
          request.body.project_id ?? null,
        ),
      ),
  );
}
