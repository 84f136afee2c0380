/**
 * Bearer-token auth. Each route names the permission it needs in `config.permission`; `public` routes need
 * none. The token comes from `Authorization: Bearer`, or from the dashboard's HttpOnly cookie.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { can, type Permission } from '../domain/access.ts';
import { errors } from '../errors/catalogue.ts';
import { type ApiToken, findLiveToken } from '../services/tokens.ts';

export const TOKEN_COOKIE = 'wh_token';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    token: ApiToken | null;
  }
  interface FastifyInstance {
    /** Every route and the permission it takes, in the order registered. */
    routePermissions: RoutePermission[];
  }
}

export interface RoutePermission {
  method: string;
  url: string;
  permission: Permission | 'public';
}

/**
 * Routes that do not say are admin-only (fail closed), except the dashboard's static files, which hold no
 * data: the API checks every data request.
 */
export function permissionOf(
  url: string | undefined,
  declared: Permission | 'public' | undefined,
): Permission | 'public' {
  return declared ?? (!url || url.startsWith('/ui/') ? 'public' : 'admin');
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  const cookie = (request as { cookies?: Record<string, string | undefined> }).cookies?.[TOKEN_COOKIE];
  return cookie || null;
}

/** The caller's token on a public route (the auth hook looks up none there); null without a valid one. */
export async function callerOf(request: FastifyRequest, db: Db): Promise<ApiToken | null> {
  const bearer = bearerOf(request);
  return bearer ? findLiveToken(db, bearer) : null;
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('token', null);
  app.decorate('routePermissions', [] as RoutePermission[]);
  // Recorded as routes are added, so tests (and readers) can see what each one takes.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routePermissions.push({
        method,
        url: route.url,
        permission: permissionOf(route.url, route.config?.permission),
      });
    }
  });
  app.addHook('onRequest', async (request) => {
    // An unmatched request falls through to the 404 handler: no route, no data.
    const permission = permissionOf(request.routeOptions.url, request.routeOptions.config?.permission);
    if (permission === 'public') return;
    const bearer = bearerOf(request);
    const token = bearer ? await findLiveToken(db, bearer) : null;
    if (!token) throw errors.unauthenticated();
    if (!can(token.role, permission)) throw errors.forbidden(token.role, permission);
    request.token = token;
  });
}
