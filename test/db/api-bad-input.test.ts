/**
 * Bad input is refused with the one error shape and a 4xx, and leaves no trace: the projects, runs, tasks
 * (with their open jobs), progress and the events log read back exactly as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

type Json = Record<string, unknown>;
type Method = 'GET' | 'POST';

let api: TestApi;
let projectCount = 0;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** A string body is sent as raw `application/json` text. */
async function send(method: Method, url: string, body?: object | string) {
  const json = typeof body === 'string' ? { 'content-type': 'application/json' } : {};
  const response = await api.app.inject({ method, url, payload: body, headers: { ...api.auth(), ...json } });
  return { status: response.statusCode, json: response.json() as Json };
}

async function ok(method: Method, url: string, body?: object): Promise<Json> {
  const { status, json } = await send(method, url, body);
  expect(status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

interface Fixture {
  projectId: number;
  projectName: string;
  runId: number;
  emptyRunId: number;
  /** A complete task (the run is still building: the others are not). */
  doneId: number;
  /** A task in qa at version 2 with a held qa job. */
  qaId: number;
  /** A task at stage none, waiting for the qa task. */
  waitingId: number;
}

async function fixture(): Promise<Fixture> {
  projectCount += 1;
  const projectName = `bad-input-${projectCount}`;
  const project = await ok('POST', '/api/projects', { name: projectName, repository: scratchRepository() });
  const newRun = async () =>
    (await ok('POST', '/api/runs', { project_id: project.id, goal: 'g', skip_planning: true })).id as number;
  const runId = await newRun();
  const emptyRunId = await newRun();
  const newTask = async (title: string, dependsOn: number[] = []) =>
    (await ok('POST', '/api/tasks', { run_id: runId, title, depends_on: dependsOn })).id as number;
  const doneId = await newTask('done');
  const qaId = await newTask('in qa');
  const waitingId = await newTask('waiting', [qaId]);
  await ok('POST', `/api/tasks/${doneId}/set-stage`, { stage: 'complete' });
  await ok('POST', `/api/tasks/${qaId}/advance-stage`, { result: 'pass' });
  return { projectId: project.id as number, projectName, runId, emptyRunId, doneId, qaId, waitingId };
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

async function snapshot(f: Fixture): Promise<Json> {
  return {
    projects: await ok('GET', '/api/projects'),
    runs: await ok('GET', '/api/runs?include_killed=true&limit=500'),
    tasks: await ok('GET', `/api/tasks?run_id=${f.runId}&limit=500`),
    progress: await ok('GET', `/api/runs/${f.runId}/task-progress`),
    events: await eventCount(),
  };
}

interface BadCase {
  name: string;
  request: (f: Fixture) => [Method, string, (object | string)?];
  status: number;
  code: string;
  message: RegExp;
  details: (f: Fixture) => Json;
}

const HUGE = 99_999_999_999;
const issue = (field: string, message: string) => ({ issues: [{ field, message }] });
const RESULT_OPTIONS = 'Invalid option: expected one of "pass"|"fail"';
const STAGE_NAME_RULE = 'expected a stage name: lower-case letters, digits and dashes, at most 31';
const NOT_DIGITS = 'expected a positive whole number, digits only';
const TOO_BIG = 'Too big: expected number to be <=2147483647';

const notFound = (name: string, request: BadCase['request'], entity: string, id = 999_999): BadCase => ({
  name,
  request,
  status: 404,
  code: `WH_${entity.toUpperCase()}_NOT_FOUND`,
  message: new RegExp(`${entity} ${id} not found`),
  details: () => ({ id }),
});

const invalid = (name: string, request: BadCase['request'], field: string, text: string): BadCase => ({
  name,
  request,
  status: 400,
  code: 'WH_VALIDATION_FAILED',
  message: new RegExp(field.replace('.', '\\.')),
  details: () => issue(field, text),
});

const conflict = (
  name: string,
  request: BadCase['request'],
  code: string,
  message: RegExp,
  details: BadCase['details'],
): BadCase => ({ name, request, status: 409, code, message, details });

const cases: BadCase[] = [
  notFound('unknown task id', () => ['GET', '/api/tasks/999999'], 'task'),
  notFound(
    'advance an unknown task',
    () => ['POST', '/api/tasks/999999/advance-stage', { result: 'pass' }],
    'task',
  ),
  notFound(
    'set-stage an unknown task',
    () => ['POST', '/api/tasks/999999/set-stage', { stage: 'qa' }],
    'task',
  ),
  notFound('unknown run id', () => ['GET', '/api/runs/999999'], 'run'),
  notFound('task-progress of an unknown run', () => ['GET', '/api/runs/999999/task-progress'], 'run'),
  notFound('kill an unknown run', () => ['POST', '/api/runs/999999/kill'], 'run'),
  notFound(
    'task for an unknown run',
    () => ['POST', '/api/tasks', { run_id: 999_999, title: 'orphan' }],
    'run',
  ),
  // Ids past the 32-bit id columns cannot name a row: refused as invalid before they reach the database.
  invalid(
    'task id beyond 2^31',
    () => ['GET', `/api/tasks/${HUGE}`],
    'params.id',
    'expected at most 2147483647',
  ),
  invalid(
    'run for a project id beyond 2^31',
    () => ['POST', '/api/runs', { project_id: HUGE, goal: 'g' }],
    'body.project_id',
    TOO_BIG,
  ),
  invalid('non-numeric task id', () => ['GET', '/api/tasks/abc'], 'params.id', NOT_DIGITS),
  invalid('non-numeric run id', () => ['POST', '/api/runs/abc/kill'], 'params.id', NOT_DIGITS),
  ...['+1', '00001', '%201', '0x10', '1e3', '-1', '0'].map((id) =>
    invalid(
      `task id written ${JSON.stringify(id)}`,
      () => ['GET', `/api/tasks/${id}`],
      'params.id',
      NOT_DIGITS,
    ),
  ),
  invalid(
    'bad stage in set-stage',
    (f) => ['POST', `/api/tasks/${f.qaId}/set-stage`, { stage: 'Review!' }],
    'body.stage',
    STAGE_NAME_RULE,
  ),
  invalid(
    'wrong result word',
    (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, { result: 'passed' }],
    'body.result',
    RESULT_OPTIONS,
  ),
  invalid(
    'advance without result',
    (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, { notes: 'n' }],
    'body.result',
    RESULT_OPTIONS,
  ),
  invalid(
    'set-stage without stage',
    (f) => ['POST', `/api/tasks/${f.qaId}/set-stage`, {}],
    'body.stage',
    'Invalid input: expected string, received undefined',
  ),
  invalid(
    'task without title',
    (f) => ['POST', '/api/tasks', { run_id: f.runId }],
    'body.title',
    'Invalid input: expected string, received undefined',
  ),
  // Text PostgreSQL cannot hold, refused by name before any route sees it.
  invalid(
    'a NUL byte in a title',
    (f) => ['POST', '/api/tasks', { run_id: f.runId, title: 'a\u0000b' }],
    'body.title',
    'contains a NUL character',
  ),
  invalid(
    'a lone surrogate deep in project settings',
    () => [
      'POST',
      '/api/projects',
      { name: 'x', repository: '/r', settings: { roles: { dev: { model: 'a\ud800' } } } },
    ],
    'body.settings.roles.dev.model',
    'contains a lone surrogate (not valid Unicode)',
  ),
  invalid(
    'a NUL byte in a key',
    (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, { result: 'pass', 'no\u0000te': 1 }],
    'body.no\u0000te',
    'its name contains a NUL character',
  ),
  invalid(
    'a NUL byte in a query string',
    () => ['GET', '/api/runs?phase=%00'],
    'query.phase',
    'contains a NUL character',
  ),
  invalid(
    'settings nested 5,000 deep',
    () => [
      'POST',
      '/api/role-configs/dev',
      `{"prompt":"p","settings":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    ],
    `body.settings${'.a'.repeat(31)}`,
    'nested deeper than 32 levels',
  ),
  // Numbers the columns cannot hold (int4), refused by their schema.
  invalid(
    'a version of 2^31',
    (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, { result: 'pass', version: 2 ** 31 }],
    'body.version',
    TOO_BIG,
  ),
  invalid(
    'a finding line of 2^31',
    (f) => ['POST', '/api/findings', { run_id: f.runId, severity: 'low', issue: 'i', line: 2 ** 31 }],
    'body.line',
    TOO_BIG,
  ),
  invalid(
    'an agent timeout past a week',
    () => [
      'POST',
      '/api/projects',
      { name: 'slow', repository: '/r', settings: { roles: { dev: { timeoutSeconds: 10 ** 9 } } } },
    ],
    'body.settings.roles.dev.timeoutSeconds',
    'Too big: expected number to be <=604800',
  ),
  {
    name: 'a __proto__ key',
    request: () => ['POST', '/api/projects', '{"name":"p","repository":"/r","__proto__":{"admin":true}}'],
    status: 400,
    code: 'WH_BAD_JSON',
    message: /^the request body is not valid JSON: /,
    details: () => ({}),
  },
  {
    name: 'invalid JSON body',
    request: (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, '{"result": pa'],
    status: 400,
    code: 'WH_BAD_JSON',
    message: /^the request body is not valid JSON: /,
    details: () => ({}),
  },
  conflict(
    'stale version on advance',
    (f) => ['POST', `/api/tasks/${f.qaId}/advance-stage`, { result: 'pass', version: 1 }],
    'WH_VERSION_CONFLICT',
    /is at version 2, not 1/,
    (f) => ({ task_id: f.qaId, expected_version: 1, current_version: 2 }),
  ),
  conflict(
    'stale version on set-stage',
    (f) => ['POST', `/api/tasks/${f.qaId}/set-stage`, { stage: 'dev', version: 1 }],
    'WH_VERSION_CONFLICT',
    /is at version 2, not 1/,
    (f) => ({ task_id: f.qaId, expected_version: 1, current_version: 2 }),
  ),
  conflict(
    'advance on a complete task',
    (f) => ['POST', `/api/tasks/${f.doneId}/advance-stage`, { result: 'pass' }],
    'WH_ILLEGAL_STAGE_TRANSITION',
    /complete task has no stage to advance/,
    (f) => ({ task_id: f.doneId, current_stage: 'complete' }),
  ),
  conflict(
    'set-stage to the current stage',
    (f) => ['POST', `/api/tasks/${f.qaId}/set-stage`, { stage: 'qa' }],
    'WH_ILLEGAL_STAGE_TRANSITION',
    /already at stage qa/,
    (f) => ({ task_id: f.qaId, current_stage: 'qa' }),
  ),
  conflict(
    "set-stage to a stage the run's pipeline does not have",
    (f) => ['POST', `/api/tasks/${f.qaId}/set-stage`, { stage: 'review' }],
    'WH_ILLEGAL_STAGE_TRANSITION',
    /stage review is not in this run's pipeline: none, dev, qa, sec, docs, complete/,
    (f) => ({ task_id: f.qaId, current_stage: 'qa' }),
  ),
  conflict(
    'fail on a task at none',
    (f) => ['POST', `/api/tasks/${f.waitingId}/advance-stage`, { result: 'fail' }],
    'WH_ILLEGAL_STAGE_TRANSITION',
    /not entered the pipeline cannot fail/,
    (f) => ({ task_id: f.waitingId, current_stage: 'none' }),
  ),
  conflict(
    'duplicate project name',
    (f) => ['POST', '/api/projects', { name: f.projectName, repository: scratchRepository() }],
    'WH_ALREADY_EXISTS',
    /name "bad-input-\d+" already exists/,
    (f) => ({ field: 'name', value: f.projectName }),
  ),
  conflict(
    'trigger-agent with nothing held',
    (f) => ['POST', `/api/runs/${f.emptyRunId}/trigger-agent`, {}],
    'WH_NOTHING_TO_TRIGGER',
    /has no held jobs to trigger/,
    (f) => ({ run_id: f.emptyRunId, role: null }),
  ),
  conflict(
    'trigger-agent with no held job of the role',
    (f) => ['POST', `/api/runs/${f.runId}/trigger-agent`, { role: 'docs' }],
    'WH_NOTHING_TO_TRIGGER',
    /has no held docs jobs to trigger/,
    (f) => ({ run_id: f.runId, role: 'docs' }),
  ),
  // README: `trigger-agent {role?}`; a bodiless POST (curl -X POST) means "no fields".
  conflict(
    'trigger-agent with no body and nothing held',
    (f) => ['POST', `/api/runs/${f.emptyRunId}/trigger-agent`],
    'WH_NOTHING_TO_TRIGGER',
    /has no held jobs to trigger/,
    (f) => ({ run_id: f.emptyRunId, role: null }),
  ),
  {
    name: 'unknown route',
    request: () => ['GET', '/api/nope?x=1'],
    status: 404,
    code: 'WH_ROUTE_NOT_FOUND',
    message: /no route GET \/api\/nope$/,
    details: () => ({ method: 'GET', url: '/api/nope' }),
  },
  {
    name: 'unknown action on a task',
    request: (f) => ['POST', `/api/tasks/${f.qaId}/advance`, { result: 'pass' }],
    status: 404,
    code: 'WH_ROUTE_NOT_FOUND',
    message: /no route POST \/api\/tasks\/\d+\/advance$/,
    details: (f) => ({ method: 'POST', url: `/api/tasks/${f.qaId}/advance` }),
  },
];

describe('bad input', () => {
  for (const bad of cases)
    it(`${bad.name}: ${bad.status} ${bad.code}`, async () => {
      const f = await fixture();
      const before = await snapshot(f);
      const [method, url, body] = bad.request(f);
      const { status, json } = await send(method, url, body);
      expect(status, JSON.stringify(json)).toBeLessThan(500);
      expect(status).toBe(bad.status);
      expect(json).toEqual({
        error: { code: bad.code, message: expect.stringMatching(bad.message), details: bad.details(f) },
      });
      expect(await snapshot(f)).toEqual(before);
    });
});
