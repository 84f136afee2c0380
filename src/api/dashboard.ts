/**
 * Serves the built dashboard (dist/web) under /ui/. Deep links (/ui/run/12/) get index.html so the app's
 * router shows the page on reload. A `?token=` in the URL logs in: it becomes an HttpOnly cookie and the
 * browser is sent to the same page without it.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { findToken } from '../services/tokens.ts';
import { TOKEN_COOKIE } from './auth.ts';
import type { Api, ApiDeps } from './deps.ts';
import { COOKIE_OPTIONS } from './routes/session.ts';

const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;

export async function registerDashboard(app: Api, deps: ApiDeps): Promise<void> {
  const built = existsSync(`${WEB_ROOT}index.html`);
  if (built) {
    await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/ui/', wildcard: false, index: false });
  }

  app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/ui/'),
  );

  app.get('/ui', { config: { permission: 'public' }, schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/ui/'),
  );

  app.get('/ui/*', { config: { permission: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const url = new URL(request.url, 'http://local');
    const token = url.searchParams.get('token');
    if (token) {
      url.searchParams.delete('token');
      const target = `${url.pathname}${url.search}`;
      if (!(await findToken(deps.database.db, token)))
        return reply.redirect(`${target}${url.search ? '&' : '?'}login=invalid`);
      reply.setCookie(TOKEN_COOKIE, token, COOKIE_OPTIONS);
      return reply.redirect(target);
    }
    if (!built) {
      return reply
        .code(503)
        .type('text/html')
        .send(
          '<h1>Workhorse</h1><p>The dashboard is not built. Run <code>npm run build</code>; the API works meanwhile.</p>',
        );
    }
    return reply.type('text/html').sendFile('index.html');
  });
}
