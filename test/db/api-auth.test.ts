/**
 * Token auth and roles: who may read, write, report and manage tokens; what is public; and that a token is
 * shown once and never listed.
 */
import { readFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBackends } from '../../src/agents/backend-check.ts';
import { toApi } from '../../src/api/serialize.ts';
import { JOB_STATES } from '../../src/domain/job-states.ts';
import { detectSandbox } from '../../src/server/agent-setup.ts';
import { hashToken } from '../../src/services/tokens.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { TEST_DB_KIND } from '../support/database.ts';
import { scratchRepository } from '../support/git.ts';

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Headers = Record<string, string>;

const ts = expect.any(String);
const JOURNAL = new URL('../../src/db/migrations/meta/_journal.json', import.meta.url);
const UNAUTHENTICATED = {
  status: 401,
  json: {
    error: {
      code: 'WH_UNAUTHENTICATED',
      message: 'a valid API token is required (Authorization: Bearer <token>)',
      details: {},
    },
  },
};

let api: TestApi;
let projectCount = 0;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

async function send(method: Method, url: string, headers: Headers, body?: object) {
  const response = await api.app.inject({ method, url, headers, payload: body });
  return { status: response.statusCode, json: response.json() as Json };
}

async function ok(method: Method, url: string, body?: object, headers: Headers = api.auth()): Promise<Json> {
  const { status, json } = await send(method, url, headers, body);
  expect(status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

/** The 403 a `role` token gets for a route needing `permission`. */
function forbidden(role: string, permission: string): { status: number; json: Json } {
  const message = expect.stringMatching(new RegExp(`${role} token may not ${permission}$`));
  return { status: 403, json: { error: { code: 'WH_FORBIDDEN', message, details: { role, permission } } } };
}

async function eventCount(): Promise<number> {
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await ok('GET', `/api/events?after_id=${after}&limit=500`);
    count += (page.items as Json[]).length;
    if (page.next_after_id === null) return count;
    after = page.next_after_id as number;
  }
}

/** A project, a building run and one task in dev. */
async function fixture(): Promise<{ projectId: number; runId: number; taskId: number }> {
  projectCount += 1;
  const project = await ok('POST', '/api/projects', {
    name: `auth-${projectCount}`,
    repository: scratchRepository(),
  });
  const run = await ok('POST', '/api/runs', { project_id: project.id, goal: 'g', skip_planning: true });
  const task = await ok('POST', '/api/tasks', { run_id: run.id, title: 't' });
  return { projectId: project.id as number, runId: run.id as number, taskId: task.id as number };
}

async function snapshot(f: { runId: number; taskId: number }): Promise<Json> {
  return {
    projects: await ok('GET', '/api/projects'),
    run: await ok('GET', `/api/runs/${f.runId}`),
    task: await ok('GET', `/api/tasks/${f.taskId}`),
    events: await eventCount(),
  };
}

/** Sends a request (`:task`, `:run` filled from a fresh fixture) that must be refused; nothing may change. */
async function refused(method: Method, url: string, headers: Headers, expected: Json, body?: object) {
  const f = await fixture();
  const before = await snapshot(f);
  const target = url.replace(':task', String(f.taskId)).replace(':run', String(f.runId));
  expect(await send(method, target, headers, body)).toEqual(expected);
  expect(await snapshot(f)).toEqual(before);
}

const ADVANCE = ['POST', '/api/tasks/:task/advance-stage'] as const;
const NEW_PROJECT = { name: 'never-made', repository: '/repo' };

describe('authentication', () => {
  it('a missing token is 401 WH_UNAUTHENTICATED on a read and on a write', async () => {
    await refused('GET', '/api/tasks/:task', {}, UNAUTHENTICATED);
    await refused('POST', '/api/projects', {}, UNAUTHENTICATED, NEW_PROJECT);
    await refused(...ADVANCE, {}, UNAUTHENTICATED, { result: 'pass' });
  });

  it('a garbage token is 401', async () => {
    await refused('GET', '/api/runs/:run', bearer('wh_not-a-real-token'), UNAUTHENTICATED);
    await refused(...ADVANCE, bearer('garbage'), UNAUTHENTICATED, { result: 'pass' });
    const headers = { authorization: 'Bearer ' };
    await refused('POST', '/api/projects', headers, UNAUTHENTICATED, NEW_PROJECT);
  });

  it("the dashboard's cookie (wh_token) authenticates like a bearer token; another cookie does not", async () => {
    const asCookie = (name: string) =>
      api.app.inject({
        method: 'GET',
        url: '/api/session',
        headers: { cookie: `${name}=${api.tokens.viewer}` },
      });
    const session = await asCookie('wh_token');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ role: 'viewer' });
    expect((await asCookie('token')).statusCode).toBe(401);
  });

  it('reads the bearer token whatever the case of "Bearer" and the spaces around the token', async () => {
    for (const authorization of [`bearer ${api.tokens.viewer}`, `BEARER    ${api.tokens.viewer}`]) {
      const response = await api.app.inject({
        method: 'GET',
        url: '/api/session',
        headers: { authorization },
      });
      expect(response.statusCode, authorization).toBe(200);
    }
  });

  it('a revoked token is 401', async () => {
    const created = await ok('POST', '/api/tokens', { name: 'short-lived', role: 'operator' });
    const token = created.token as string;
    await ok('GET', '/api/projects', undefined, bearer(token));
    const revoked = await ok('DELETE', `/api/tokens/${created.id}`);
    const record = {
      id: created.id,
      name: 'short-lived',
      role: 'operator',
      created_at: ts,
      last_used_at: null,
    };
    expect(revoked).toEqual({ ...record, revoked_at: ts });
    await refused('GET', '/api/projects', bearer(token), UNAUTHENTICATED);
    await refused(...ADVANCE, bearer(token), UNAUTHENTICATED, { result: 'pass' });
  });

  it('a token revoked by another process on the database is 401 here within a second', async () => {
    const created = await ok('POST', '/api/tokens', { name: 'revoked-elsewhere', role: 'operator' });
    const token = created.token as string;
    await ok('GET', '/api/projects', undefined, bearer(token));
    // What a second server on the same database does: the row changes, and this server is not told.
    await api.database.db.execute(
      sql`update api_tokens set revoked_at = now() where id = ${created.id as number}`,
    );
    await setTimeout(1100);
    await refused('GET', '/api/projects', bearer(token), UNAUTHENTICATED);
  });
});

describe('roles', () => {
  it('a viewer may not write: 403 WH_FORBIDDEN and nothing changes', async () => {
    const viewer = api.auth('viewer');
    await refused(...ADVANCE, viewer, forbidden('viewer', 'operate'), { result: 'pass' });
    await refused('POST', '/api/projects', viewer, forbidden('viewer', 'operate'), NEW_PROJECT);
    await refused('POST', '/api/runs/:run/kill', viewer, forbidden('viewer', 'operate'));
  });

  it('a viewer may read and may file a bug report', async () => {
    const f = await fixture();
    const viewer = api.auth('viewer');
    expect(await ok('GET', `/api/tasks/${f.taskId}`, undefined, viewer)).toEqual(
      await ok('GET', `/api/tasks/${f.taskId}`),
    );
    for (const url of [
      `/api/runs/${f.runId}/task-progress`,
      `/api/tasks/queue?run_id=${f.runId}`,
      '/api/events',
    ])
      expect((await send('GET', url, viewer)).status).toBe(200);
    const before = await eventCount();
    const report = { title: 'Button overlaps', description: 'on narrow screens', page_url: '/ui/runs' };
    const { status, json } = await send('POST', '/api/bug-reports', viewer, report);
    expect(status).toBe(201);
    const stamps = { created_at: ts, updated_at: ts };
    const filed = { id: json.id, ...report, browser_info: null, status: 'open', reporter: 'viewer-token' };
    expect(json).toEqual({ ...filed, ...stamps });
    expect(await eventCount()).toBe(before + 1);
    const triage = await send('PATCH', `/api/bug-reports/${json.id}`, viewer, { status: 'closed' });
    expect(triage).toEqual(forbidden('viewer', 'operate'));
  });

  it('an operator may write but may not create or list tokens', async () => {
    const operator = api.auth('operator');
    const project = await ok(
      'POST',
      '/api/projects',
      { name: 'operator-made', repository: scratchRepository() },
      operator,
    );
    const body = { project_id: project.id, goal: 'g', skip_planning: true };
    const run = await ok('POST', '/api/runs', body, operator);
    const task = await ok('POST', '/api/tasks', { run_id: run.id, title: 't' }, operator);
    const moved = await ok('POST', `/api/tasks/${task.id}/advance-stage`, { result: 'pass' }, operator);
    expect(moved).toMatchObject({ from: 'dev', to: 'qa' });
    const tokenBody = { name: 'sneaky', role: 'admin' };
    await refused('POST', '/api/tokens', operator, forbidden('operator', 'admin'), tokenBody);
    expect(await send('GET', '/api/tokens', operator)).toEqual(forbidden('operator', 'admin'));
  });

  it('an approver may not advance stages', async () => {
    const approver = api.auth('approver');
    await refused(...ADVANCE, approver, forbidden('approver', 'operate'), { result: 'pass' });
    const setStage = ['POST', '/api/tasks/:task/set-stage'] as const;
    await refused(...setStage, approver, forbidden('approver', 'operate'), { stage: 'qa' });
    expect((await send('GET', '/api/approvals', approver)).status).toBe(200);
  });
});

describe('public routes', () => {
  it('GET /api/status needs no token and has the exact shape; the agent CLIs only for a token', async () => {
    const journal = JSON.parse(readFileSync(JOURNAL, 'utf8')) as {
      entries: { tag: string }[];
    };
    const known = journal.entries.length;
    const migrations = { applied: known, known, latest: journal.entries.at(-1)!.tag };
    const first = (await send('GET', '/api/status', {})).json;
    const queue = first.queue as Record<string, number>;
    expect(Object.keys(queue)).toEqual([...JOB_STATES]);
    for (const count of [...Object.values(queue), first.uptime_seconds])
      expect(Number.isInteger(count) && (count as number) >= 0, String(count)).toBe(true);
    const here = detectSandbox({ allowUnsandboxed: false });
    const sandbox = { available: here.available, problem: here.problem, allow_unsandboxed: false };
    const connection = {
      reachable: true,
      listening: true,
      outages: 0,
      down_since: null,
      listener_pid: TEST_DB_KIND === 'postgres' ? expect.any(Number) : null,
    };
    const shape = {
      version: 'test',
      database: TEST_DB_KIND,
      migrations,
      workers: [],
      sandbox,
      connection,
    };
    expect(first).toEqual({ ...shape, queue, uptime_seconds: first.uptime_seconds });

    // Where the agent CLIs are installed, and their versions, as the same (kept) look finds them: for any
    // valid token, not for an anonymous caller or one whose token is not valid.
    const backends = toApi(await findBackends());
    expect((await send('GET', '/api/status', api.auth('viewer'))).json).toEqual({
      ...first,
      uptime_seconds: expect.any(Number),
      backends,
    });
    expect((await send('GET', '/api/status', bearer('wh_not_a_token'))).json).not.toHaveProperty('backends');

    await fixture(); // one more held dev job
    const second = (await send('GET', '/api/status', {})).json;
    expect(second).toEqual({
      ...shape,
      queue: { ...queue, held: queue.held! + 1 },
      uptime_seconds: expect.any(Number),
    });
  });

  it('GET /api/status says when agents cannot be confined, why, and whether they run anyway', async () => {
    const bare = await startTestApi({ sandbox: detectSandbox({ allowUnsandboxed: true }, '/nowhere') });
    try {
      const response = await bare.app.inject({ method: 'GET', url: '/api/status' });
      expect(response.json().sandbox).toEqual({
        available: false,
        problem: 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap)',
        allow_unsandboxed: true,
      });
    } finally {
      await bare.close();
    }
  });

  it('GET /api/openapi.json needs no token and lists the seed paths', async () => {
    const { status, json } = await send('GET', '/api/openapi.json', {});
    expect(status).toBe(200);
    const paths = json.paths as Record<string, Json>;
    const methods = Object.fromEntries(Object.entries(paths).map(([path, ops]) => [path, Object.keys(ops)]));
    expect(methods).toMatchObject({
      '/api/tasks/queue': ['get'],
      '/api/tasks/{id}/advance-stage': ['post'],
      '/api/tasks/{id}/set-stage': ['post'],
      '/api/runs/{id}/task-progress': ['get'],
      '/api/runs/{id}/kill': ['post'],
      '/api/runs/{id}/trigger-agent': ['post'],
      '/api/runs/{id}/trigger-pipeline': ['post'],
      '/api/status': ['get'],
    });
    expect(json.security).toEqual([{ bearer: [] }]);
  });
});

describe('tokens', () => {
  it('a new token is returned once in plaintext; GET /api/tokens never shows a token or hash', async () => {
    const { status, json } = await send('POST', '/api/tokens', api.auth(), { name: 'ci', role: 'worker' });
    expect(status).toBe(201);
    const record = {
      id: json.id,
      name: 'ci',
      role: 'worker',
      created_at: ts,
      last_used_at: null,
      revoked_at: null,
    };
    expect(json).toEqual({ ...record, token: expect.stringMatching(/^wh_[A-Za-z0-9_-]{32}$/) });
    const token = json.token as string;
    expect((await send('GET', '/api/runs', bearer(token))).status).toBe(200);

    const listed = await ok('GET', '/api/tokens');
    const items = listed.items as Json[];
    expect(items.find((item) => item.id === json.id)).toEqual(record);
    const fields = ['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at'];
    for (const item of items) expect(Object.keys(item).sort()).toEqual([...fields].sort());
    const text = JSON.stringify(listed);
    for (const secret of [token, ...Object.values(api.tokens)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret));
    }
  });
});
