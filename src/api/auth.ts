/**
 * Bearer-token auth. Each route names the permission it needs in `config.permission`; `public` routes need
 * none. The token comes from `Authorization: Bearer`, or from the dashboard's HttpOnly cookie.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { can, type Permission } from '../domain/access.ts';
import { errors } from '../errors/catalogue.ts';
import { type ApiToken, findToken } from '../services/tokens.ts';

export const TOKEN_COOKIE = 'wh_token';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    token: ApiToken | null;
  }
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  const cookie = (request as { cookies?: Record<string, string | undefined> }).cookies?.[TOKEN_COOKIE];
  return cookie || null;
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('token', null);
  app.addHook('onRequest', async (request) => {
    // Routes that do not say are admin-only (fail closed), except unmatched ones (they fall through to the
    // 404 handler) and the dashboard's static files, which hold no data: the API checks every data request.
    const url = request.routeOptions.url;
    const permission =
      request.routeOptions.config?.permission ?? (!url || url.startsWith('/ui/') ? 'public' : 'admin');
    if (permission === 'public') return;
    const bearer = bearerOf(request);
    const token = bearer ? await findToken(db, bearer) : null;
    if (!token) throw errors.unauthenticated();
    if (!can(token.role, permission)) throw errors.forbidden(token.role, permission);
    request.token = token;
  });
}
