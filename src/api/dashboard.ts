/**
 * Serves the built dashboard (dist/web) under /ui/. Deep links (/ui/run/12/) get index.html so the app's
 * router shows the page on reload. A `?token=` in the URL logs in: it becomes an HttpOnly cookie and the
 * browser is sent to the same page without it.
 *
 * Caching: files under assets/ carry a content hash in their names, so a browser keeps them for a year
 * without asking; everything else (index.html above all, which names the current hashes) is revalidated
 * on every load, so a new build is seen at once.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { findToken } from '../services/tokens.ts';
import { TOKEN_COOKIE } from './auth.ts';
import type { Api, ApiDeps } from './deps.ts';
import { COOKIE_OPTIONS } from './routes/session.ts';

const WEB_ROOT = new URL('../../dist/web/', import.meta.url).pathname;
const HASHED = 'public, max-age=31536000, immutable';
const REVALIDATED = 'no-cache';

function cacheControlFor(path: string): string {
  return path.startsWith(`${WEB_ROOT}assets/`) ? HASHED : REVALIDATED;
}

export async function registerDashboard(app: Api, deps: ApiDeps): Promise<void> {
  const built = existsSync(`${WEB_ROOT}index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/ui/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', cacheControlFor(path)),
    });
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
    // A hashed file that is not there (an old build's, or a source map) is missing, not a page to route.
    if (url.pathname.startsWith('/ui/assets/')) return reply.callNotFound();
    if (!built) {
      return reply
        .code(503)
        .type('text/html')
        .send(
          '<h1>Workhorse</h1><p>The dashboard is not built. Run <code>npm run build</code>; the API works meanwhile.</p>',
        );
    }
    return reply
      .type('text/html')
      .header('cache-control', REVALIDATED)
      .sendFile('index.html', { cacheControl: false });
  });
}
