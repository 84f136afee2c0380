/** Status, the OpenAPI document and API tokens. */
import { z } from 'zod';
import { findBackends } from '../../agents/backend-check.ts';
import { createdTokenSchema, statusSchema, tokenListSchema, tokenSchema } from '../../contracts/system.ts';
import { TOKEN_ROLES } from '../../domain/access.ts';
import { systemStatus } from '../../services/status.ts';
import { createToken, listTokens, revokeToken } from '../../services/tokens.ts';
import { callerOf } from '../auth.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, nonEmpty } from '../schemas.ts';
import { toApi } from '../serialize.ts';

export function registerSystemRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/status',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary:
          'Version, database and its connection, migration level, queue depth, workers, uptime, agent sandbox; for a caller with a token also the agent CLIs installed (503 while the database is out of reach)',
        response: { 200: statusSchema, 503: statusSchema },
      },
    },
    async (request, reply) => {
      const status = await systemStatus(deps.database, deps.startedAt, deps.version, deps.sandbox);
      // A load balancer's health check sees an outage; a person still reads the whole answer.
      if (!status.connection.reachable) reply.code(503);
      // Where the agent CLIs are and their versions tell an anonymous caller what to attack; a token
      // cannot be checked while the database is out of reach, so then nobody gets them.
      const caller = status.connection.reachable ? await callerOf(request, deps.database.db) : null;
      return toApi({ ...status, ...(caller ? { backends: await findBackends() } : {}) });
    },
  );

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.get(
    '/api/tokens',
    { config: { permission: 'admin' }, schema: { tags: ['tokens'], response: { 200: tokenListSchema } } },
    async () => ({ items: toApi(await listTokens(deps.database.db)) }),
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Make a token; it is shown once',
        body: z.object({ name: nonEmpty(200), role: z.enum(TOKEN_ROLES) }),
        response: { 201: createdTokenSchema },
      },
    },
    async (request, reply) => {
      const { token, record } = await createToken(contextFor(deps, request), request.body);
      reply.code(201);
      return { ...toApi(record), token };
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { permission: 'admin' },
      schema: { tags: ['tokens'], params: idParams, response: { 200: tokenSchema } },
    },
    async (request) => toApi(await revokeToken(contextFor(deps, request), request.params.id)),
  );
}
