/**
 * Response contracts (PGlite and PostgreSQL): the OpenAPI document describes what every JSON route answers
 * with, every answer of a run's and a task's whole life through the API (and of every other route) matches
 * the document (checked with ajv, a validator independent of the zod schemas the document is generated
 * from), and an answer that would break its contract is refused instead of sent.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIntervention } from '../../src/services/director.ts';
import { enqueueJob } from '../../src/services/jobs.ts';
import { MAX_LOOP_BACKS } from '../../src/services/steps/escalate.ts';
import { enqueueDeliveries } from '../../src/services/webhook-outbox.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { scratchRepository } from '../support/git.ts';

/** The tags whose every operation has a response contract. */
const CONTRACTED_TAGS = [
  'projects',
  'runs',
  'tasks',
  'jobs',
  'findings',
  'approvals',
  'director',
  'webhooks',
  'bug-reports',
  'events',
  'role-configs',
  'session',
  'system',
  'tokens',
];
/**
 * Operations of a contracted tag that answer with no JSON: the live event stream is Server-Sent Events (its
 * frames carry the events the log answers with). The OpenAPI document itself and the dashboard's static
 * files are hidden from the document.
 */
const EXEMPT = ['get /api/events/stream'];

interface Operation {
  tags?: string[];
  responses?: Record<string, { content?: { 'application/json'?: { schema?: object } } }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

let api: TestApi;
let document: Document;
// ajv-formats is CommonJS: its plugin is the module's default export.
const addFormats = formats as unknown as typeof formats.default;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  api = await startTestApi();
  document = api.app.swagger() as unknown as Document;
});

afterAll(async () => {
  await api?.close();
});

/** The document's schema for an answer of `status` to `method path` (path in OpenAPI form). */
function validatorFor(method: string, path: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  const known = validators.get(key);
  if (known) return known;
  const schema =
    document.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.['application/json']
      ?.schema;
  if (!schema) throw new Error(`the document has no ${status} response schema for ${method} ${path}`);
  const validate = ajv.compile(schema);
  validators.set(key, validate);
  return validate;
}

/** Calls the API and checks the answer against the document; returns the body. */
async function call<T>(method: string, url: string, path: string, status: number, payload?: object) {
  const response = await api.app.inject({ method: method as 'GET', url, headers: api.auth(), payload });
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<T>();
  const validate = validatorFor(method, path, status);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

describe('response contracts', () => {
  it('are in the OpenAPI document for every operation of the contracted routes', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const tagged = operations.filter(({ operation }) => operation.tags?.length);
    expect(
      tagged.filter(({ operation }) => !operation.tags!.some((tag) => CONTRACTED_TAGS.includes(tag))),
    ).toEqual([]);
    const contracted = tagged.filter(({ path, method }) => !EXEMPT.includes(`${method} ${path}`));
    expect(contracted.length).toBe(tagged.length - EXEMPT.length);
    expect(contracted.length).toBeGreaterThanOrEqual(40);
    for (const { path, method, operation } of contracted) {
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
      expect(success.length, `${method} ${path}`).toBe(1);
      expect(success[0]![1].content?.['application/json']?.schema, `${method} ${path}`).toBeTypeOf('object');
    }
  });

  it("match every answer of a run's life, from a new project to a killed run", async () => {
    const project = await call<{ id: number }>('POST', '/api/projects', '/api/projects', 201, {
      name: 'contracts',
      repository: scratchRepository(),
      settings: {
        pipeline: ['dev', 'qa', { stage: 'smoke', command: 'make smoke' }],
        roles: { dev: { backend: 'command', timeoutSeconds: 60 } },
        passEnv: ['NPM_TOKEN'],
      },
    });
    const one = `/api/projects/${project.id}`;
    await call('GET', '/api/projects', '/api/projects', 200);
    await call('GET', one, '/api/projects/{id}', 200);
    await call('PATCH', one, '/api/projects/{id}', 200, { test_command: 'npm test' });

    const run = await call<{ id: number; job: unknown }>('POST', '/api/runs', '/api/runs', 201, {
      project_id: project.id,
      goal: 'hold to the contract',
    });
    expect(run.job).not.toBeNull();
    const skipped = await call<{ job: unknown }>('POST', '/api/runs', '/api/runs', 201, {
      project_id: project.id,
      goal: 'no planning',
      skip_planning: true,
    });
    expect(skipped.job).toBeNull();
    const path = (tail: string) => `/api/runs/{id}${tail}`;
    const url = (tail: string) => `/api/runs/${run.id}${tail}`;
    await call('GET', '/api/runs?include_killed=true', '/api/runs', 200);
    await call('GET', url(''), path(''), 200);
    await call('GET', url('/task-progress'), path('/task-progress'), 200);
    await call('GET', url('/phases'), path('/phases'), 200);
    // Planning has not cut the run branch yet: it is said not to exist, no ref is listed.
    expect(await call('GET', url('/branches'), path('/branches'), 200)).toMatchObject({
      run_id: run.id,
      repository: scratchRepository(),
      repository_found: true,
      branches: [{ task_id: null, exists: false, head: null }],
      refs: [],
    });
    await call('POST', url('/pause'), path('/pause'), 200);
    await call('POST', url('/resume'), path('/resume'), 200);
    await call('POST', url('/trigger-agent'), path('/trigger-agent'), 200, { role: 'pm' });
    await call('POST', url('/trigger-pipeline'), path('/trigger-pipeline'), 200, { max_iterations: 3 });
    const killed = await call<{ cancelled_job_ids: number[] }>('POST', url('/kill'), path('/kill'), 200);
    expect(killed.cancelled_job_ids.length).toBeGreaterThan(0);
  });

  it("match every answer of a task's life, its jobs, findings, escalation and the rest of the API", async () => {
    const project = await call<{ id: number }>('POST', '/api/projects', '/api/projects', 201, {
      name: 'contracts-tasks',
      repository: scratchRepository(),
    });
    const run = await call<{ id: number }>('POST', '/api/runs', '/api/runs', 201, {
      project_id: project.id,
      goal: 'tasks hold to the contract',
      skip_planning: true,
    });

    // Tasks: one that enters dev at once, one that waits for it.
    type Task = { id: number; version: number; current_job: { id: number } | null };
    const first = await call<Task & { job: { id: number } | null }>('POST', '/api/tasks', '/api/tasks', 201, {
      run_id: run.id,
      title: 'first',
      acceptance: ['it works'],
      files: ['src/a.ts'],
    });
    expect(first.job).not.toBeNull();
    const second = await call<Task & { job: unknown }>('POST', '/api/tasks', '/api/tasks', 201, {
      run_id: run.id,
      title: 'second',
      depends_on: [first.id],
    });
    expect(second.job).toBeNull();
    const task = (id: number, tail = '') => [`/api/tasks/${id}${tail}`, `/api/tasks/{id}${tail}`] as const;
    await call('GET', `/api/tasks?run_id=${run.id}`, '/api/tasks', 200);
    await call('GET', `/api/tasks/queue?run_id=${run.id}&stage=dev`, '/api/tasks/queue', 200);
    await call('GET', '/api/tasks/queue', '/api/tasks/queue', 200);
    await call('GET', ...task(first.id), 200);
    const edited = await call<Task>('PATCH', ...task(first.id), 200, { priority: 7, version: first.version });
    expect(edited.current_job).not.toBeNull();

    // Jobs: the task's dev job, cancelled and queued again.
    const jobId = edited.current_job!.id;
    const job = (tail = '') => [`/api/jobs/${jobId}${tail}`, `/api/jobs/{id}${tail}`] as const;
    await call('GET', `/api/jobs?run_id=${run.id}`, '/api/jobs', 200);
    await call('GET', ...job(), 200);
    await call('POST', ...job('/cancel'), 200);
    await call('POST', ...job('/retry'), 200);
    // A generic job has a kind of its own, not one of the built-in ones.
    const generic = await enqueueJob(api.ctx, { kind: 'test.contracts', runId: run.id, payload: { n: 1 } });
    await call('GET', `/api/jobs?run_id=${run.id}&state=queued`, '/api/jobs', 200);
    await call('GET', `/api/jobs/${generic.id}`, '/api/jobs/{id}', 200);

    // Stage moves: set, passed, and failed until the task is escalated.
    await call('POST', ...task(first.id, '/set-stage'), 200, { stage: 'qa' });
    const passed = await call<{ to: string }>('POST', ...task(first.id, '/advance-stage'), 200, {
      result: 'pass',
    });
    expect(passed.to).toBe('sec');
    for (let trip = 1; trip <= MAX_LOOP_BACKS; trip += 1)
      await call('POST', ...task(first.id, '/advance-stage'), 200, { result: 'fail', notes: `trip ${trip}` });
    // The board: a task with a dependency, one escalated with finished jobs behind it.
    await call('GET', `/api/runs/${run.id}/board`, '/api/runs/{id}/board', 200);

    // Approvals: the escalation, decided.
    const pending = await call<{ items: { id: number; task_id: number }[] }>(
      'GET',
      `/api/approvals?state=pending&run_id=${run.id}`,
      '/api/approvals',
      200,
    );
    const escalation = pending.items.find((item) => item.task_id === first.id);
    expect(escalation).toBeDefined();
    await call('POST', `/api/approvals/${escalation!.id}/decide`, '/api/approvals/{id}/decide', 200, {
      decision: 'approve',
      note: 'one more try',
    });
    await call('GET', '/api/approvals', '/api/approvals', 200);

    // The Director: its state, switched off and on, and an intervention of each kind that leaves a record
    // (a budget pause with its approval, decided with a raised budget).
    await call('GET', '/api/director', '/api/director', 200);
    await call('PATCH', '/api/director', '/api/director', 200, { enabled: false });
    await call('PATCH', '/api/director', '/api/director', 200, { enabled: true });
    const budget = { tokens: 10 };
    await applyIntervention(api.ctx, {
      rule: 'budget',
      fingerprint: `contract:${run.id}:warn`,
      projectId: project.id,
      runId: run.id,
      evidence: { percent: 85 },
      summary: 'a warning',
      plan: { kind: 'warn' },
    });
    await applyIntervention(api.ctx, {
      rule: 'budget',
      fingerprint: `contract:${run.id}:pause`,
      projectId: project.id,
      runId: run.id,
      evidence: { percent: 100 },
      summary: 'a pause',
      plan: {
        kind: 'pause',
        scope: 'run',
        reason: 'spent',
        budget,
        used: { tokens: 10, costUsd: null, wallSeconds: 0 },
      },
    });
    await call('GET', `/api/director/interventions?run_id=${run.id}`, '/api/director/interventions', 200);
    const budgets = await call<{ items: { id: number }[] }>(
      'GET',
      `/api/approvals?state=pending&run_id=${run.id}`,
      '/api/approvals',
      200,
    );
    await call('POST', `/api/approvals/${budgets.items[0]!.id}/decide`, '/api/approvals/{id}/decide', 200, {
      decision: 'approve',
      budget: { tokens: 1_000_000 },
    });

    // Webhooks: a subscription made, read, changed, rotated, tested, its delivery redelivered, deleted.
    const hook = await call<{ id: number; secret: string }>('POST', '/api/webhooks', '/api/webhooks', 201, {
      url: 'https://hooks.example.com/workhorse',
      event_types: ['state_change', 'run_created'],
      project_id: project.id,
      description: 'contract',
    });
    expect(hook.secret).toMatch(/^whsec_/);
    await call('GET', '/api/webhooks', '/api/webhooks', 200);
    await call('GET', `/api/webhooks/${hook.id}`, '/api/webhooks/{id}', 200);
    await call('PATCH', `/api/webhooks/${hook.id}`, '/api/webhooks/{id}', 200, { enabled: false });
    await call('PATCH', `/api/webhooks/${hook.id}`, '/api/webhooks/{id}', 200, { enabled: true });
    await call('POST', `/api/webhooks/${hook.id}/rotate-secret`, '/api/webhooks/{id}/rotate-secret', 200);
    await call('POST', `/api/webhooks/${hook.id}/test`, '/api/webhooks/{id}/test', 202);
    await enqueueDeliveries(api.database.db);
    const deliveries = await call<{ items: { id: number }[] }>(
      'GET',
      `/api/webhooks/${hook.id}/deliveries`,
      '/api/webhooks/{id}/deliveries',
      200,
    );
    await call(
      'POST',
      `/api/webhook-deliveries/${deliveries.items[0]!.id}/redeliver`,
      '/api/webhook-deliveries/{id}/redeliver',
      202,
    );
    await call('DELETE', `/api/webhooks/${hook.id}`, '/api/webhooks/{id}', 200);

    // Findings.
    const finding = await call<{ id: number }>('POST', '/api/findings', '/api/findings', 201, {
      run_id: run.id,
      task_id: first.id,
      severity: 'high',
      issue: 'breaks on empty input',
      file: 'src/a.ts',
      line: 3,
    });
    await call('POST', '/api/findings', '/api/findings', 201, {
      run_id: run.id,
      severity: 'low',
      issue: 'nit',
    });
    await call('GET', `/api/findings?run_id=${run.id}`, '/api/findings', 200);
    await call('GET', `/api/findings/${finding.id}`, '/api/findings/{id}', 200);
    await call('PATCH', `/api/findings/${finding.id}`, '/api/findings/{id}', 200, { status: 'fixed' });

    // Bug reports.
    const bug = await call<{ id: number }>('POST', '/api/bug-reports', '/api/bug-reports', 201, {
      title: 'the board flickers',
      page_url: 'http://localhost/ui',
    });
    await call('GET', '/api/bug-reports', '/api/bug-reports', 200);
    await call('PATCH', `/api/bug-reports/${bug.id}`, '/api/bug-reports/{id}', 200, { status: 'triaged' });

    // Role configurations: global and a project's own, saved and rolled back.
    await call('GET', '/api/role-configs', '/api/role-configs', 200);
    await call('GET', `/api/role-configs?project_id=${project.id}`, '/api/role-configs', 200);
    await call('GET', '/api/role-configs/dev', '/api/role-configs/{role}', 200);
    await call('POST', '/api/role-configs/dev', '/api/role-configs/{role}', 201, {
      prompt: 'Write the code for {{task.title}}: {{task.description}}\n{{findings}}\n',
      settings: { temperature: 0 },
      project_id: project.id,
    });
    await call('POST', '/api/role-configs/dev', '/api/role-configs/{role}', 201, {
      prompt: 'Write the code, then the tests, for {{task.title}}: {{task.description}}\n{{findings}}\n',
      project_id: project.id,
    });
    await call('POST', '/api/role-configs/dev/activate', '/api/role-configs/{role}/activate', 200, {
      version: 1,
      project_id: project.id,
    });

    // The event log, both ways, in pages.
    const asc = await call<{ next_after_id: number | null }>(
      'GET',
      `/api/events?run_id=${run.id}&limit=5`,
      '/api/events',
      200,
    );
    expect(asc.next_after_id).not.toBeNull();
    const desc = await call<{ next_before_id: number | null }>(
      'GET',
      '/api/events?order=desc&limit=5',
      '/api/events',
      200,
    );
    expect(desc.next_before_id).not.toBeNull();
    await call('GET', `/api/events?order=desc&task_id=${second.id}`, '/api/events', 200);

    // Session, status and tokens.
    await call('GET', '/api/session', '/api/session', 200);
    await call('POST', '/api/session/logout', '/api/session/logout', 200);
    await call('GET', '/api/status', '/api/status', 200);
    const token = await call<{ id: number; token: string }>('POST', '/api/tokens', '/api/tokens', 201, {
      name: 'contracts',
      role: 'viewer',
    });
    expect(token.token).toMatch(/^wh_/);
    await call('GET', '/api/tokens', '/api/tokens', 200);
    await call('DELETE', `/api/tokens/${token.id}`, '/api/tokens/{id}', 200);
  });

  it('refuses to send an answer that breaks its contract: a 500 in the error shape, not bad data', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: api.auth(),
      payload: { name: 'corrupted', repository: scratchRepository() },
    });
    const { id } = created.json<{ id: number }>();
    // What no route would write: a timeout the settings contract does not allow.
    await api.database.db.execute(
      sql`update projects set settings = '{"roles": {"dev": {"timeoutSeconds": -5}}}' where id = ${id}`,
    );
    const response = await api.app.inject({ url: `/api/projects/${id}`, headers: api.auth() });
    expect(response.statusCode).toBe(500);
    const { error } = response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('WH_INTERNAL');
    expect(response.body).not.toContain('-5');
  });
});
