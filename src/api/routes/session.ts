/**
 * The dashboard's session: the login URL's token becomes an HttpOnly cookie (so it never sits in page
 * script or history), `GET /api/session` says who is logged in and what they may do, logout clears it.
 */
import { loggedOutSchema, sessionSchema } from '../../contracts/session.ts';
import { permissionsOf } from '../../domain/access.ts';
import { TOKEN_COOKIE } from '../auth.ts';
import type { Api, ApiDeps } from '../deps.ts';

export const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'strict', path: '/' } as const;

export function registerSessionRoutes(app: Api, _deps: ApiDeps): void {
  app.get(
    '/api/session',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['session'],
        summary: "The caller's token name, role and permissions",
        response: { 200: sessionSchema },
      },
    },
    async (request) => ({
      name: request.token!.name,
      role: request.token!.role,
      permissions: [...permissionsOf(request.token!.role)],
    }),
  );

  app.post(
    '/api/session/logout',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['session'],
        summary: "Clear the dashboard's token cookie",
        response: { 200: loggedOutSchema },
      },
    },
    async (_request, reply) => {
      reply.clearCookie(TOKEN_COOKIE, COOKIE_OPTIONS);
      return { logged_out: true } as const;
    },
  );
}
