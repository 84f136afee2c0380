/**
 * Every route × every caller (PGlite and PostgreSQL): no token and a wrong token get 401 on every route that
 * is not public; each role gets 403 exactly where its permissions stop, and gets past auth everywhere else.
 * The expected table is written out here and must match the routes the server registers, so a route cannot
 * be added (or have its permission changed) without a row saying who may call it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { can, type Permission, TOKEN_ROLES, type TokenRole } from '../../src/domain/access.ts';
import { newProject, newRun, startTestApi, type TestApi } from '../support/api.ts';
import { setupOnce } from '../support/setup-once.ts';

type Rule = Permission | 'public';

const TABLE: [string, string, Rule][] = [
  ['GET', '/api/status', 'public'],
  ['GET', '/api/openapi.json', 'public'],
  ['GET', '/api/tokens', 'admin'],
  ['POST', '/api/tokens', 'admin'],
  ['DELETE', '/api/tokens/:id', 'admin'],
  ['GET', '/api/projects', 'read'],
  ['POST', '/api/projects', 'operate'],
  ['GET', '/api/projects/:id', 'read'],
  ['PATCH', '/api/projects/:id', 'operate'],
  ['GET', '/api/runs', 'read'],
  ['POST', '/api/runs', 'operate'],
  ['GET', '/api/runs/:id', 'read'],
  ['GET', '/api/runs/:id/task-progress', 'read'],
  ['GET', '/api/runs/:id/board', 'read'],
  ['GET', '/api/runs/:id/phases', 'read'],
  ['GET', '/api/runs/:id/branches', 'read'],
  ['POST', '/api/runs/:id/kill', 'operate'],
  ['POST', '/api/runs/:id/pause', 'operate'],
  ['POST', '/api/runs/:id/resume', 'operate'],
  ['POST', '/api/tasks/:id/pause', 'operate'],
  ['POST', '/api/tasks/:id/resume', 'operate'],
  ['POST', '/api/runs/:id/trigger-agent', 'operate'],
  ['POST', '/api/runs/:id/trigger-pipeline', 'operate'],
  ['GET', '/api/tasks/queue', 'read'],
  ['GET', '/api/tasks', 'read'],
  ['POST', '/api/tasks', 'operate'],
  ['GET', '/api/tasks/:id', 'read'],
  ['PATCH', '/api/tasks/:id', 'operate'],
  ['POST', '/api/tasks/:id/advance-stage', 'operate'],
  ['GET', '/api/tasks/:id/diff', 'read'],
  ['POST', '/api/tasks/:id/review/accept', 'operate'],
  ['POST', '/api/tasks/:id/review/send-back', 'operate'],
  ['POST', '/api/tasks/:id/set-stage', 'operate'],
  ['GET', '/api/tasks/:id/notes', 'read'],
  ['POST', '/api/tasks/:id/notes', 'operate'],
  ['GET', '/api/findings', 'read'],
  ['POST', '/api/findings', 'operate'],
  ['GET', '/api/findings/:id', 'read'],
  ['PATCH', '/api/findings/:id', 'operate'],
  ['GET', '/api/jobs', 'read'],
  ['GET', '/api/jobs/:id', 'read'],
  ['POST', '/api/jobs/:id/retry', 'operate'],
  ['POST', '/api/jobs/:id/cancel', 'operate'],
  ['GET', '/api/role-configs', 'read'],
  ['GET', '/api/role-configs/:role', 'read'],
  ['POST', '/api/role-configs/:role', 'operate'],
  ['POST', '/api/role-configs/:role/activate', 'operate'],
  ['GET', '/api/bug-reports', 'read'],
  ['POST', '/api/bug-reports', 'report'],
  ['PATCH', '/api/bug-reports/:id', 'operate'],
  ['GET', '/api/approvals', 'read'],
  ['POST', '/api/approvals/:id/decide', 'approve'],
  ['GET', '/api/director', 'read'],
  ['PATCH', '/api/director', 'admin'],
  ['GET', '/api/director/interventions', 'read'],
  ['POST', '/api/director/review', 'admin'],
  ['GET', '/api/webhooks', 'admin'],
  ['POST', '/api/webhooks', 'admin'],
  ['GET', '/api/webhooks/:id', 'admin'],
  ['PATCH', '/api/webhooks/:id', 'admin'],
  ['DELETE', '/api/webhooks/:id', 'admin'],
  ['POST', '/api/webhooks/:id/rotate-secret', 'admin'],
  ['POST', '/api/webhooks/:id/test', 'admin'],
  ['GET', '/api/webhooks/:id/deliveries', 'admin'],
  ['POST', '/api/webhook-deliveries/:id/redeliver', 'admin'],
  ['GET', '/api/events', 'read'],
  ['GET', '/api/events/stream', 'read'],
  ['GET', '/api/session', 'read'],
  ['POST', '/api/session/logout', 'public'],
];

let api: TestApi;

const ready = setupOnce(async () => {
  api = await startTestApi();
  const projectId = await newProject(api, 'permissions');
  await newRun(api, projectId, 'permissions');
});

afterAll(() => api?.close());

/** A request that gets past auth without harm: ids that exist or 999999, and a stream told to stop at once. */
function request(method: string, path: string, bearer: string | null) {
  const url = path
    .replace(':role', 'qa')
    // Never revoke the tokens this test uses: token 999999 does not exist.
    .replace('/api/tokens/:id', '/api/tokens/999999')
    .replace(':id', '1');
  return api.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(path === '/api/events/stream' ? { 'last-event-id': 'not-an-id' } : {}),
    },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  });
}

describe('the route × role table', () => {
  it('lists every API route the server has, each with the permission it takes', async () => {
    await ready();
    const registered = api.app.routePermissions
      .filter((route) => route.url.startsWith('/api/'))
      .map((route) => [route.method, route.url, route.permission]);
    expect(registered.sort()).toEqual([...TABLE].sort());
    // The dashboard's files hold no data: public, all of them.
    for (const route of api.app.routePermissions.filter((r) => !r.url.startsWith('/api/')))
      expect(route.permission, route.url).toBe('public');
  });

  it.each(TABLE.filter(([, , rule]) => rule !== 'public'))(
    '%s %s (%s): 401 without a token or with a wrong one',
    async (method, path) => {
      await ready();
      for (const bearer of [null, 'wh_not_a_token_of_this_server_0000000000']) {
        const response = await request(method, path, bearer);
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe('WH_UNAUTHENTICATED');
      }
    },
  );

  it.each(TABLE.filter(([, , rule]) => rule !== 'public'))(
    '%s %s (%s): 403 for each role without it, past auth for each role with it',
    async (method, path, rule) => {
      await ready();
      for (const role of TOKEN_ROLES as readonly TokenRole[]) {
        const response = await request(method, path, api.tokens[role]);
        if (can(role, rule as Permission)) {
          expect([401, 403], `${role} may ${rule}`).not.toContain(response.statusCode);
        } else {
          expect(response.statusCode, `${role} may not ${rule}`).toBe(403);
          expect(response.json().error).toMatchObject({
            code: 'WH_FORBIDDEN',
            details: { role, permission: rule },
          });
        }
      }
    },
  );

  it.each(TABLE.filter(([, , rule]) => rule === 'public'))(
    '%s %s is public: no token needed',
    async (method, path) => {
      await ready();
      const response = await request(method, path, null);
      expect([401, 403]).not.toContain(response.statusCode);
    },
  );
});
